// What a failed request means to the person looking at the page.
import { ApiError } from './api';
import { Problem } from './components';

export function describeError(error: Error): { title?: string; text: string } {
  // fetch rejects with a TypeError when no HTTP answer came at all.
  if (error instanceof TypeError)
    return {
      title: 'Server unreachable',
      text: 'The tracehouse server did not answer. Is it running? Retrying on reload.',
    };
  if (error instanceof ApiError) {
    if (error.status === 403) return { title: 'Not allowed', text: `Your role cannot see this: ${error.message}` };
    if (error.status === 502 || error.status === 503 || error.status === 504)
      return { title: 'Server unreachable', text: `${error.status}: ${error.message}` };
  }
  return { text: error.message };
}

/** A failed request as a problem box: "server unreachable" when it is, else the server's message. */
export function RequestProblem({ title, error }: { title: string; error: Error }) {
  const d = describeError(error);
  return (
    <Problem title={d.title ?? title}>
      <span data-testid="problem-text">{d.text}</span>
    </Problem>
  );
}
