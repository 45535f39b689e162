// What `tracehouse users|tokens` does to accounts, behind one small interface with two
// implementations: the store itself (a stopped server, or a shared ClickHouse server) and the
// running server's admin API (cli/adminClient.ts), so the commands behave the same either way.
import type { Store } from '@tracehouse/store';
import * as accounts from '../auth/accounts';

export type UserInfo = accounts.UserInfo;
export type TokenInfo = accounts.TokenInfo;

export interface NewUser {
  username: string;
  role: string;
  password: string;
  /** Absent: 'default' in the store; the caller's tenant through the server. */
  tenant?: string;
}

export interface NewToken {
  name: string;
  kind: 'api' | 'ingest';
  role?: string;
  tenant?: string;
  expiresInMs: number | null;
}

export interface AccountsBackend {
  listUsers(): Promise<UserInfo[]>;
  /** Creates or replaces a user. Throws accounts.AccountError on bad input. */
  putUser(u: NewUser): Promise<UserInfo>;
  /** False when there is no such user. */
  removeUser(username: string): Promise<boolean>;
  listTokens(): Promise<TokenInfo[]>;
  createToken(t: NewToken): Promise<{ secret: string; token: TokenInfo }>;
  /** False when there is no such active token. */
  revokeToken(id: string): Promise<boolean>;
}

/** Changes written to the store directly, each with its audit entry (the server's routes audit theirs). */
export function storeBackend(store: Store, actor: string): AccountsBackend {
  const auth = store.auth;
  const audit = (action: string, target: string, detail = '') =>
    auth.appendAudit({ actor, action, target, outcome: 'ok', remoteAddr: 'local', detail });
  return {
    listUsers: () => auth.listUsers().then((us) => us.map(accounts.userInfo)),
    async putUser(input) {
      const u = await accounts.addUser(auth, input);
      await audit('user.put', u.username, `role=${u.role} tenant=${u.tenant}`);
      return u;
    },
    async removeUser(username) {
      if (!(await accounts.removeUser(auth, username))) return false;
      await audit('user.remove', username);
      return true;
    },
    listTokens: () => auth.listTokens().then((ts) => ts.map(accounts.tokenInfo)),
    async createToken(t) {
      const created = await accounts.createToken(auth, {
        name: t.name,
        kind: t.kind,
        role: t.role,
        tenant: t.tenant,
        expiresAtMs: t.expiresInMs === null ? null : Date.now() + t.expiresInMs,
        createdBy: actor,
      });
      const { token } = created;
      await audit(
        'token.create',
        token.id,
        token.kind === 'api' ? `api role=${token.role} tenant=${token.tenant}` : `ingest tenant=${token.tenant}`,
      );
      return created;
    },
    async revokeToken(id) {
      if (!(await accounts.revokeToken(auth, id))) return false;
      await audit('token.revoke', id);
      return true;
    },
  };
}
