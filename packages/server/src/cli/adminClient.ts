// The running server's admin API (/api/v1/admin/users, /api/v1/admin/tokens) as an
// AccountsBackend: how `tracehouse users|tokens` changes accounts while a server holds the
// embedded store. The server checks the token's role and tenant and writes the audit entries.
import { AccountError } from '../auth/accounts';
import type { AccountsBackend, TokenInfo, UserInfo } from './accountsBackend';

/** The server could not be asked (down, wrong address, timeout): nothing was changed. */
export class UnreachableError extends Error {}

/** The server answered with a refusal the user must act on (401, 403, 5xx). */
export class RefusedError extends Error {}

export interface AdminClientOptions {
  /** The server's UI + API base URL, e.g. http://127.0.0.1:3200. */
  baseUrl: string;
  /** An admin API token (Authorization: Bearer). */
  token: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export function adminClient(opts: AdminClientOptions): AccountsBackend {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? fetch;

  /** One request; with `missing`, a 404 from the route ("no such user or token") answers null. */
  async function call<T>(method: string, path: string, body?: unknown, missing = false): Promise<T | null> {
    let res: Response;
    try {
      res = await doFetch(base + path, {
        method,
        headers: {
          authorization: `Bearer ${opts.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        redirect: 'manual',
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === 'TimeoutError' ? 'no answer in time' : (e.cause?.code ?? e.cause?.message ?? e.message);
      throw new UnreachableError(`cannot reach the tracehouse server at ${base} (${why})`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const error = (json as { error?: string } | undefined)?.error;
    if (res.ok) return json as T;
    if (res.status === 404 && missing && error) return null;
    if (res.status === 400) throw new AccountError(error ?? 'the server refused the request (400)');
    if (res.status === 401)
      throw new RefusedError(
        `the server at ${base} did not accept the token (401): use an admin API token (TRACEHOUSE_TOKEN) or the server's TRACEHOUSE_ADMIN_TOKEN`,
      );
    if (res.status === 403)
      throw new RefusedError(`the server at ${base} refused: ${error ?? 'the token is not an admin token'} (403)`);
    if (res.status === 404 && json === undefined)
      throw new RefusedError(`${base} answered 404 for ${path}: is it a tracehouse server?`);
    throw new RefusedError(`the server at ${base} answered ${res.status}${error ? `: ${error}` : ''}`);
  }

  const path = (kind: 'users' | 'tokens', id?: string) =>
    `/api/v1/admin/${kind}${id === undefined ? '' : `/${encodeURIComponent(id)}`}`;
  return {
    listUsers: async () => (await call<{ users: UserInfo[] }>('GET', path('users')))!.users,
    putUser: async (u) =>
      (await call<UserInfo>('POST', path('users'), {
        username: u.username,
        role: u.role,
        password: u.password,
        ...(u.tenant ? { tenant: u.tenant } : {}),
      }))!,
    removeUser: async (username) => (await call('DELETE', path('users', username), undefined, true)) !== null,
    listTokens: async () => (await call<{ tokens: TokenInfo[] }>('GET', path('tokens')))!.tokens,
    createToken: async (t) =>
      (await call<{ secret: string; token: TokenInfo }>('POST', path('tokens'), {
        name: t.name,
        kind: t.kind,
        ...(t.role ? { role: t.role } : {}),
        ...(t.tenant ? { tenant: t.tenant } : {}),
        ...(t.expiresInMs === null ? {} : { expiresInSeconds: Math.max(1, Math.round(t.expiresInMs / 1000)) }),
      }))!,
    revokeToken: async (id) => (await call('DELETE', path('tokens', id), undefined, true)) !== null,
  };
}
