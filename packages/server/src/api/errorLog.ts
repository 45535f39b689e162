import type { FastifyRequest } from 'fastify';

/**
 * One line on stderr per 5xx answer: request id (also in the response body, so a user can
 * quote it), method, route pattern and the error's first line. Never the URL or headers:
 * those carry what clients typed, tokens included.
 */
export function logServerError(req: FastifyRequest, err: unknown): void {
  const e = err as { name?: string; message?: string; code?: unknown };
  const first = String(e?.message ?? err)
    .split('\n')[0]!
    .slice(0, 500);
  const code = e?.code === undefined ? '' : ` code=${String(e.code)}`;
  console.error(
    `error request=${req.id} ${req.method} ${req.routeOptions.url ?? '(no route)'}: ${e?.name ?? 'Error'}${code}: ${first}`,
  );
}
