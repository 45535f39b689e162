// Users, roles and API / ingest tokens, managed by admins (the /api/v1/admin routes).
import type { TokenJson, UserJson } from '@tracehouse/api';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, getJson } from '../api';
import { Loading } from '../components';
import { RequestProblem } from '../errors';
import { fmtTime } from '../format';
import { useMe } from '../me';
import './admin.css';

type User = UserJson;
type Token = TokenJson;
const ROLES = ['viewer', 'ops', 'admin'];

async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) throw new ApiError(res.status, (json as { error?: string })?.error ?? `${res.status}`, json);
  return json as T;
}

/** A list table with its header and a one-line note when it is empty. */
function ListTable({
  testid,
  heads,
  empty,
  children,
}: {
  testid: string;
  heads: string[];
  empty: string | null;
  children: React.ReactNode;
}) {
  return (
    <table className="list" data-testid={testid}>
      <thead>
        <tr>
          {heads.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
            <th key={i}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {empty ? (
          <tr>
            <td colSpan={heads.length} className="muted">
              {empty}
            </td>
          </tr>
        ) : null}
        {children}
      </tbody>
    </table>
  );
}

export function AdminView() {
  const [users, setUsers] = useState<User[] | null>(null);
  const [tokens, setTokens] = useState<Token[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const me = useMe();
  const reload = useCallback(() => {
    Promise.all([
      getJson<{ users: User[] }>('/api/v1/admin/users'),
      getJson<{ tokens: Token[] }>('/api/v1/admin/tokens'),
    ]).then(([u, t]) => {
      setUsers(u.users);
      setTokens(t.tokens);
    }, setError);
  }, []);
  useEffect(reload, [reload]);
  /** Runs a change; on success notes it, reloads and clears the form it came from. */
  const act = (p: Promise<unknown>, ok: string, form?: HTMLFormElement) =>
    p.then(
      () => {
        setNote({ ok: true, text: ok });
        form?.reset();
        reload();
      },
      (e: Error) => setNote({ ok: false, text: e.message }),
    );

  if (error) return <RequestProblem title="Could not load users and tokens" error={error} />;
  if (!users || !tokens) return <Loading what="users and tokens" />;
  return (
    <div className="admin">
      {me?.user === 'anonymous' ? (
        <div className="banner" data-testid="anonymous-note">
          Access control is off (anonymous access on a loopback address): users and tokens made here take effect when
          the server starts without <code>--allow-anonymous</code>.
        </div>
      ) : null}
      {note ? (
        <div className={note.ok ? 'banner ok' : 'banner'} role="status" data-testid="admin-note">
          {note.text}
        </div>
      ) : null}
      <section>
        <h3>Users</h3>
        <ListTable
          testid="admin-users"
          heads={['User', 'Role', 'Tenant', 'Created', '']}
          empty={users.length ? null : 'No users yet.'}
        >
          {users.map((u) => (
            <tr key={u.username} data-user={u.username}>
              <td>{u.username}</td>
              <td>
                <select
                  aria-label={`role of ${u.username}`}
                  value={u.role}
                  onChange={(e) =>
                    act(
                      send('PATCH', `/api/v1/admin/users/${encodeURIComponent(u.username)}`, {
                        role: e.target.value,
                      }),
                      `${u.username} is now ${e.target.value} (their sessions ended)`,
                    )
                  }
                >
                  {ROLES.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </td>
              <td>{u.tenant}</td>
              <td>{fmtTime(u.createdAtMs, true)}</td>
              <td>
                <button
                  type="button"
                  onClick={() =>
                    confirm(`Remove ${u.username}? Their sessions end at once.`) &&
                    act(
                      send('DELETE', `/api/v1/admin/users/${encodeURIComponent(u.username)}`),
                      `${u.username} removed`,
                    )
                  }
                  aria-label={`remove user ${u.username}`}
                >
                  remove
                </button>
              </td>
            </tr>
          ))}
        </ListTable>
        <form
          className="toolbar"
          data-testid="add-user"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const f = new FormData(form);
            const username = String(f.get('username'));
            act(
              send('POST', '/api/v1/admin/users', {
                username,
                role: f.get('role'),
                password: f.get('password'),
              }),
              `${username} saved`,
              form,
            );
          }}
        >
          <input name="username" aria-label="new user name" placeholder="user name" required />
          <select name="role" aria-label="new user role" defaultValue="viewer">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          <input
            name="password"
            type="password"
            aria-label="new user password"
            placeholder="password"
            autoComplete="new-password"
            required
          />
          <button type="submit">Add or update user</button>
          <span className="muted small">An existing name gets the new role and password.</span>
        </form>
      </section>
      <section>
        <h3>API and ingest tokens</h3>
        {secret ? (
          <div className="banner ok secret" data-testid="new-token">
            New token <b>{secret.name}</b>: copy it now, it is not shown again.{' '}
            <code data-testid="new-token-secret">{secret.secret}</code>{' '}
            <button type="button" onClick={() => navigator.clipboard?.writeText(secret.secret)}>
              copy
            </button>{' '}
            <button type="button" onClick={() => setSecret(null)}>
              done
            </button>
          </div>
        ) : null}
        <ListTable
          testid="admin-tokens"
          heads={['Name', 'Kind', 'Role', 'Tenant', 'Created', 'State', '']}
          empty={tokens.length ? null : 'No tokens yet. Without ingest tokens, OTLP exports need no token.'}
        >
          {tokens.map((t) => (
            <tr key={t.id} className={t.revokedAtMs ? 'muted' : ''}>
              <td>{t.name}</td>
              <td>{t.kind}</td>
              <td>{t.kind === 'api' ? t.role : '—'}</td>
              <td>{t.tenant}</td>
              <td>
                {fmtTime(t.createdAtMs, true)} by {t.createdBy}
              </td>
              <td>
                {t.revokedAtMs
                  ? `revoked ${fmtTime(t.revokedAtMs, true)}`
                  : t.expiresAtMs
                    ? `expires ${fmtTime(t.expiresAtMs, true)}`
                    : 'active'}
              </td>
              <td>
                {t.revokedAtMs ? null : (
                  <button
                    type="button"
                    onClick={() =>
                      confirm(`Revoke token ${t.name}?`) &&
                      act(send('DELETE', `/api/v1/admin/tokens/${encodeURIComponent(t.id)}`), `${t.name} revoked`)
                    }
                    aria-label={`revoke token ${t.name}`}
                  >
                    revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </ListTable>
        <form
          className="toolbar"
          data-testid="add-token"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const f = new FormData(form);
            const name = String(f.get('name'));
            const kind = String(f.get('kind'));
            send<{ secret: string }>('POST', '/api/v1/admin/tokens', {
              name,
              kind,
              ...(kind === 'api' ? { role: f.get('role') } : {}),
            }).then(
              (r) => {
                setSecret({ name, secret: r.secret });
                setNote(null);
                form.reset();
                reload();
              },
              (err: Error) => setNote({ ok: false, text: err.message }),
            );
          }}
        >
          <input name="name" aria-label="new token name" placeholder="token name" required />
          <select name="kind" aria-label="new token kind" defaultValue="api">
            <option value="api">API token</option>
            <option value="ingest">ingest token</option>
          </select>
          <select name="role" aria-label="new token role" defaultValue="viewer">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          <button type="submit">Create token</button>
        </form>
      </section>
    </div>
  );
}
