import type { TestServer } from '../helpers';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON documents
  body: any;
}

/** One API call with optional bearer token or cookie; JSON in and out. */
export async function call(
  server: TestServer,
  method: string,
  path: string,
  opts: { token?: string; cookie?: string; body?: unknown; origin?: string; accept?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin) headers.origin = opts.origin;
  if (opts.accept) headers.accept = opts.accept;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(server.urls.api + path, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    redirect: 'manual',
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, body };
}

export async function addUser(server: TestServer, username: string, role: string, password = `${username}-password-1`) {
  const r = await call(server, 'POST', '/api/v1/admin/users', {
    token: ADMIN_TOKEN,
    body: { username, role, password },
  });
  if (r.status !== 200) throw new Error(`add user: ${r.status} ${JSON.stringify(r.body)}`);
  return password;
}

export async function createToken(
  server: TestServer,
  body: Record<string, unknown>,
): Promise<{ secret: string; id: string }> {
  const r = await call(server, 'POST', '/api/v1/admin/tokens', { token: ADMIN_TOKEN, body });
  if (r.status !== 201) throw new Error(`create token: ${r.status} ${JSON.stringify(r.body)}`);
  return { secret: r.body.secret, id: r.body.token.id };
}

/** Logs in and returns the `name=value` of the session cookie. */
export async function login(server: TestServer, username: string, password: string): Promise<string> {
  const r = await call(server, 'POST', '/api/v1/auth/login', { body: { username, password } });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${JSON.stringify(r.body)}`);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}
