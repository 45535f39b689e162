import type { AuthStore, TokenRow, UserRow } from '@tracehouse/store';
import { isRole, type Role } from './roles';
import { hashPassword, MIN_PASSWORD_LENGTH, newSecret, sha256, tokenIdOf } from './secrets';

/**
 * User and token management shared by the admin API and the CLI (`tracehouse users ...`,
 * `tracehouse tokens ...`). Validates input and never returns a password hash or a token
 * after its creation.
 */
export class AccountError extends Error {}

const USERNAME = /^[a-zA-Z0-9][a-zA-Z0-9._@-]{0,63}$/;
const TENANT = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface UserInfo {
  username: string;
  role: string;
  createdAtMs: number;
}

export interface TokenInfo {
  id: string;
  name: string;
  kind: 'api' | 'ingest';
  role: string;
  tenant: string;
  createdBy: string;
  createdAtMs: number;
  expiresAtMs: number | null;
  revokedAtMs: number | null;
}

export const userInfo = (u: UserRow): UserInfo => ({ username: u.username, role: u.role, createdAtMs: u.createdAtMs });

export const tokenInfo = ({ hash: _hash, ...t }: TokenRow): TokenInfo => t;

export async function addUser(
  store: AuthStore,
  input: { username: string; role: string; password: string },
  clock: () => number = Date.now,
): Promise<UserInfo> {
  if (!USERNAME.test(input.username))
    throw new AccountError('username: 1-64 characters, letters, digits and . _ @ -, not starting with a symbol');
  if (!isRole(input.role)) throw new AccountError('role must be admin, ops or viewer');
  if (typeof input.password !== 'string' || input.password.length < MIN_PASSWORD_LENGTH)
    throw new AccountError(`password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  const existing = (await store.listUsers()).find((u) => u.username === input.username);
  const row: UserRow = {
    username: input.username,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    createdAtMs: existing?.createdAtMs ?? clock(),
  };
  await store.putUser(row);
  return userInfo(row);
}

export async function removeUser(store: AuthStore, username: string): Promise<boolean> {
  const exists = (await store.listUsers()).some((u) => u.username === username);
  if (exists) await store.deleteUser(username);
  return exists;
}

export interface NewToken {
  name: string;
  kind: 'api' | 'ingest';
  /** API tokens: the role they carry. */
  role?: string;
  /** Ingest tokens: the tenant their data belongs to (default 'default'). */
  tenant?: string;
  expiresAtMs?: number | null;
  createdBy: string;
}

/** Creates a token; the secret is returned once and only its sha256 is stored. */
export async function createToken(
  store: AuthStore,
  input: NewToken,
  clock: () => number = Date.now,
): Promise<{ secret: string; token: TokenInfo }> {
  const name = (input.name ?? '').trim();
  if (!name || name.length > 128) throw new AccountError('name: 1-128 characters');
  let role: Role | '' = '';
  let tenant = '';
  if (input.kind === 'api') {
    if (!isRole(input.role)) throw new AccountError('an API token needs a role: admin, ops or viewer');
    role = input.role;
  } else if (input.kind === 'ingest') {
    tenant = input.tenant || 'default';
    if (!TENANT.test(tenant)) throw new AccountError('tenant: lowercase letters, digits, _ and -');
  } else {
    throw new AccountError('kind must be api or ingest');
  }
  if (input.expiresAtMs != null && !(input.expiresAtMs > clock()))
    throw new AccountError('expiry must be in the future');
  const secret = newSecret(input.kind === 'api' ? 'tha' : 'thi');
  const hash = sha256(secret);
  const row: TokenRow = {
    id: tokenIdOf(hash),
    hash,
    name,
    kind: input.kind,
    role,
    tenant,
    createdBy: input.createdBy,
    createdAtMs: clock(),
    expiresAtMs: input.expiresAtMs ?? null,
    revokedAtMs: null,
  };
  await store.putToken(row);
  return { secret, token: tokenInfo(row) };
}

export async function revokeToken(store: AuthStore, id: string, clock: () => number = Date.now): Promise<boolean> {
  const row = (await store.listTokens()).find((t) => t.id === id && t.revokedAtMs === null);
  if (!row) return false;
  await store.putToken({ ...row, revokedAtMs: clock() });
  return true;
}
