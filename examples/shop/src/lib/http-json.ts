// A minimal JSON-over-node:http toolkit for the services that do not use a framework: routing by
// method and path pattern, JSON bodies, and the /livez and /readyz endpoints orchestrators poll.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (
  request: IncomingMessage,
  params: Record<string, string>,
) => Promise<{ status?: number; body: unknown }>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export class JsonRouter {
  private readonly routes: Route[] = [];

  /** `/orders/:id` style paths. */
  on(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:(\w+)/g, (_, key: string) => {
        keys.push(key);
        return '([^/]+)';
      })}$`,
    );
    this.routes.push({ method, pattern, keys, handler });
    return this;
  }

  listen(port: number, host: string, onError: (error: unknown) => void): Promise<Server> {
    const server = createServer((request, response) => {
      void this.dispatch(request, response).catch((error) => {
        onError(error);
        const status = error instanceof HttpError ? error.status : 500;
        send(response, status, { error: error instanceof Error ? error.message : String(error) });
      });
    });
    return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
  }

  private async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/livez' || path === '/readyz') return send(response, 200, { status: 'ok' });
    for (const route of this.routes) {
      const match = route.method === request.method ? route.pattern.exec(path) : null;
      if (!match) continue;
      const params = Object.fromEntries(route.keys.map((key, i) => [key, decodeURIComponent(match[i + 1])]));
      const { status = 200, body } = await route.handler(request, params);
      return send(response, status, body);
    }
    send(response, 404, { error: 'not found' });
  }
}

export async function readJson<T>(request: IncomingMessage): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return {} as T;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** fetch + JSON, turning non-2xx answers into HttpError so callers' spans fail with the cause. */
export async function callJson<T>(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new HttpError(response.status, body.error ?? `${url} answered ${response.status}`);
  return body;
}

export const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));
