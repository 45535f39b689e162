import { type AuthStore, DEFAULT_TENANT, TENANT_NAME, type TokenRow, type UserRow } from '@tracehouse/store';
import { isRole, type Role } from './roles';
import { hashPassword, MIN_PASSWORD_LENGTH, newSecret, sha256, tokenIdOf } from './secrets';

/**
 * User and token management shared by the admin API and the CLI (`tracehouse users ...`,
 * `tracehouse tokens ...`). Validates input and never returns a password hash or a token
 * after its creation.
 */
export class AccountError extends Error {}

const USERNAME = /^[a-zA-Z0-9][a-zA-Z0-9._@-]{0,63}$/;
/** Names the audit log uses for actors that are not users. */
const RESERVED_USERNAMES = new Set(['setup']);

/** A user as the API and the CLI show it: everything but the password hash. */
export type UserInfo = Omit<UserRow, 'passwordHash'>;

/** A token as the API and the CLI show it: everything but its hash. */
export type TokenInfo = Omit<TokenRow, 'hash'>;

export const userInfo = ({ passwordHash: _hash, ...u }: UserRow): UserInfo => u;

export const tokenInfo = ({ hash: _hash, ...t }: TokenRow): TokenInfo => t;

/** A tenant name from user input ('default' when absent). */
function tenantInput(tenant: string | undefined): string {
  const t = tenant || DEFAULT_TENANT;
  if (!TENANT_NAME.test(t)) throw new AccountError('tenant: 1-64 lowercase letters, digits, _ and -');
  return t;
}

export async function addUser(
  store: AuthStore,
  input: { username: string; role: string; password: string; tenant?: string },
  clock: () => number = Date.now,
): Promise<UserInfo> {
  const tenant = tenantInput(input.tenant);
  if (!USERNAME.test(input.username))
    throw new AccountError('username: 1-64 characters, letters, digits and . _ @ -, not starting with a symbol');
  if (RESERVED_USERNAMES.has(input.username.toLowerCase()))
    throw new AccountError(
      `username "${input.username}" is reserved (it names the one-time setup login in the audit log)`,
    );
  if (!isRole(input.role)) throw new AccountError('role must be admin, ops or viewer');
  if (typeof input.password !== 'string' || input.password.length < MIN_PASSWORD_LENGTH)
    throw new AccountError(`password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  const existing = (await store.listUsers()).find((u) => u.username === input.username);
  const row: UserRow = {
    username: input.username,
    role: input.role,
    tenant,
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
  /** The tenant an ingest token's data belongs to, or whose data an API token reads (default 'default'). */
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
  if (input.kind === 'api') {
    if (!isRole(input.role)) throw new AccountError('an API token needs a role: admin, ops or viewer');
    role = input.role;
  } else if (input.kind !== 'ingest') {
    throw new AccountError('kind must be api or ingest');
  }
  const tenant = tenantInput(input.tenant);
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
