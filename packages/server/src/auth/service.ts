import { timingSafeEqual } from 'node:crypto';
import { type AuditEntry, type AuthStore, DEFAULT_TENANT, type TokenRow, type UserRow } from '@tracehouse/store';
import * as accounts from './accounts';
import { LoginLimiter } from './rateLimit';
import { isRole, type Principal } from './roles';
import { DUMMY_PASSWORD_HASH, newSecret, sha256, verifyPassword } from './secrets';
import { Sessions } from './sessions';

export interface AuthOptions {
  /** Auth off (local development); only allowed on a loopback bind. */
  allowAnonymous: boolean;
  /** TRACEHOUSE_ADMIN_TOKEN: a valid admin API token; '' for none. */
  adminToken: string;
  publicMetrics: boolean;
  sessionTtlMs: number;
  loginMaxFailures: number;
  loginWindowMs: number;
  /** Re-read users and tokens this often (picks up changes made by the CLI). 0 = never. */
  refreshIntervalMs: number;
  clock?: () => number;
}

export type LoginResult =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'invalid' | 'throttled'; retryAfterMs?: number };

/** The principal of a user's browser session; null when the stored role is not one we know. */
function sessionPrincipal(u: UserRow): Principal | null {
  return isRole(u.role) ? { user: u.username, role: u.role, tenant: u.tenant, via: 'session' } : null;
}

export type PasswordChange =
  | { ok: true; principal: Principal }
  | {
      ok: false;
      reason: 'not_a_user' | 'wrong_password' | 'throttled' | 'weak';
      retryAfterMs?: number;
      message?: string;
    };

const ANONYMOUS: Principal = { user: 'anonymous', role: 'admin', tenant: DEFAULT_TENANT, via: 'anonymous' };

/** Refused because the caller's tenant does not own what it asked to manage (403). */
export class TenantAccessError extends Error {}

/**
 * Admins of the default tenant run the deployment: they manage every tenant's users and tokens
 * and see the operational pages. An admin of another tenant manages that tenant only.
 */
export const isOperator = (p: Principal): boolean => p.tenant === DEFAULT_TENANT;
const manages = (actor: Principal, tenant: string): boolean => isOperator(actor) || actor.tenant === tenant;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Who is calling: resolves API tokens, the admin token, browser sessions and ingest tokens
 * from an in-memory copy of the users and tokens tables, so no request waits on the store.
 */
/** The audit log's actor for a failed login whose username names no user. */
export const UNKNOWN_USER = '(unknown user)';

export class AuthService {
  readonly sessions: Sessions;
  private readonly limiter: LoginLimiter;
  private readonly clock: () => number;
  private readonly adminTokenHash: Buffer | null;
  private users = new Map<string, UserRow>();
  private tokens = new Map<string, TokenRow>();
  private hasIngestTokens = false;
  private setupSecret: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  /** Audit writes and refreshes still running: close() waits for them before the store closes. */
  private readonly pending = new Set<Promise<unknown>>();

  private constructor(
    private readonly store: AuthStore,
    readonly options: AuthOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.sessions = new Sessions(options.sessionTtlMs, this.clock, store);
    this.limiter = new LoginLimiter(options.loginMaxFailures, options.loginWindowMs, this.clock);
    this.adminTokenHash = options.adminToken ? Buffer.from(sha256(options.adminToken), 'hex') : null;
  }

  static async open(store: AuthStore, options: AuthOptions): Promise<AuthService> {
    if (options.adminToken && options.adminToken.length < 16)
      throw new Error('TRACEHOUSE_ADMIN_TOKEN must have at least 16 characters');
    const service = new AuthService(store, options);
    await service.refresh();
    // Anonymous (development, tests) needs no background reads; changes made through the
    // admin API refresh the copy directly.
    if (options.refreshIntervalMs > 0 && !options.allowAnonymous) {
      service.timer = setInterval(() => service.track(service.refresh()), options.refreshIntervalMs);
      service.timer.unref();
    }
    return service;
  }

  get anonymous(): boolean {
    return this.options.allowAnonymous;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.pending]);
  }

  async refresh(): Promise<void> {
    const [users, tokens] = await Promise.all([
      this.store.listUsers(),
      this.store.listTokens(),
      this.sessions.reload(),
    ]);
    this.users = new Map(users.map((u) => [u.username, u]));
    this.tokens = new Map(tokens.filter((t) => t.revokedAtMs === null).map((t) => [t.hash, t]));
    // Revoked ones count: revoking the last ingest token must not open ingest to anyone.
    this.hasIngestTokens = tokens.some((t) => t.kind === 'ingest');
  }

  /**
   * A first start with no way to log in (no users, no admin token or admin API token, not
   * anonymous) gets a one-time login link instead of a default password.
   */
  setupLink(): string | null {
    if (this.options.allowAnonymous || this.adminTokenHash || this.users.size > 0) return null;
    if ([...this.tokens.values()].some((t) => t.kind === 'api' && t.role === 'admin')) return null;
    this.setupSecret ??= newSecret('thl');
    return `/login?setup=${this.setupSecret}`;
  }

  /** Spends the one-time link: the caller gets an admin session, the link is dead. */
  consumeSetup(secret: string): Principal | null {
    if (!this.setupSecret || !safeEqual(secret, this.setupSecret)) return null;
    this.setupSecret = null;
    return { user: 'setup', role: 'admin', tenant: DEFAULT_TENANT, via: 'session' };
  }

  /** Authorization: Bearer <token> on the API. */
  fromBearer(token: string): Principal | null {
    const hash = sha256(token);
    if (this.adminTokenHash && timingSafeEqual(Buffer.from(hash, 'hex'), this.adminTokenHash))
      return { user: 'admin-token', role: 'admin', tenant: DEFAULT_TENANT, via: 'admin-token' };
    const t = this.tokens.get(hash);
    if (t?.kind !== 'api' || !isRole(t.role) || this.expired(t)) return null;
    return { user: `token:${t.id}`, role: t.role, tenant: t.tenant, via: 'token' };
  }

  fromSession(sessionId: string): Principal | null {
    if (!sessionId) return null;
    const p = this.sessions.get(sessionId);
    if (!p) return null;
    // A removed user, or one whose role or tenant changed, loses the session (the setup session has no user row).
    if (p.user !== 'setup') {
      const u = this.users.get(p.user);
      if (!u || u.role !== p.role || u.tenant !== p.tenant) return null;
    }
    return p;
  }

  /** True when OTLP exports must carry an ingest token. */
  get ingestTokensRequired(): boolean {
    return this.hasIngestTokens;
  }

  /**
   * The tenant of an OTLP export from its `authorization` header or metadata, or null when
   * a token is required and this one is missing or wrong. Without ingest tokens every
   * export belongs to the 'default' tenant.
   */
  ingestTenant(authorization: string | undefined): string | null {
    if (!this.hasIngestTokens) return 'default';
    const token = bearerToken(authorization);
    if (!token) return null;
    const t = this.tokens.get(sha256(token));
    if (t?.kind !== 'ingest' || this.expired(t)) return null;
    return t.tenant;
  }

  async login(username: string, password: string, remoteAddr: string): Promise<LoginResult> {
    const user = this.users.get(username);
    // What was typed as a username is recorded only when it names a user: it may be a password.
    const who = user ? username : UNKNOWN_USER;
    const audit = (outcome: AuditEntry['outcome'], detail = '') =>
      this.audit({ actor: who, action: 'login', target: who, outcome, remoteAddr, detail });
    const principal = user && sessionPrincipal(user);
    const check = await this.checkPassword(username, password, principal ? user.passwordHash : undefined, remoteAddr);
    if (check.result === 'throttled') {
      audit('denied', 'throttled');
      return { ok: false, reason: 'throttled', retryAfterMs: check.retryAfterMs };
    }
    if (check.result === 'wrong' || !principal) {
      audit('failed');
      return { ok: false, reason: 'invalid' };
    }
    audit('ok');
    return { ok: true, principal };
  }

  /**
   * A password check behind the login throttle (per client address and per username and address): refused
   * unchecked while throttled; a wrong password counts towards the throttle. Without a hash (no
   * such user) it checks against a dummy one, so the answer takes as long either way.
   */
  private async checkPassword(
    username: string,
    password: string,
    hash: string | undefined,
    remoteAddr: string,
  ): Promise<{ result: 'ok' | 'wrong' } | { result: 'throttled'; retryAfterMs: number }> {
    // Per address, and per (username, address): failures from one address never lock the
    // user out from the others (an attacker could otherwise keep an admin out forever).
    const keys = [`addr:${remoteAddr}`, `user:${username}\u0000${remoteAddr}`];
    const wait = this.limiter.retryAfterMs(keys);
    if (wait > 0) return { result: 'throttled', retryAfterMs: wait };
    const ok = (await verifyPassword(password, hash ?? DUMMY_PASSWORD_HASH)) && hash !== undefined;
    if (ok) this.limiter.succeed(keys);
    else this.limiter.fail(keys);
    return { result: ok ? 'ok' : 'wrong' };
  }

  /**
   * A logged-in user changes their own password, proving the current one (throttled like a
   * login). Every session of the user ends; the caller gets a new one (the route sets it).
   */
  async changePassword(
    principal: Principal,
    passwords: { current: string; next: string },
    remoteAddr: string,
  ): Promise<PasswordChange> {
    const user = principal.via === 'session' ? this.users.get(principal.user) : undefined;
    const self = user && sessionPrincipal(user);
    if (!user || !self) return { ok: false, reason: 'not_a_user' };
    const check = await this.checkPassword(user.username, passwords.current, user.passwordHash, remoteAddr);
    if (check.result === 'throttled') return { ok: false, reason: 'throttled', retryAfterMs: check.retryAfterMs };
    const audit = (outcome: AuditEntry['outcome'], detail = '') =>
      this.audit({
        actor: user.username,
        action: 'password.change',
        target: user.username,
        outcome,
        remoteAddr,
        detail,
      });
    if (check.result === 'wrong') {
      audit('failed', 'wrong current password');
      return { ok: false, reason: 'wrong_password' };
    }
    try {
      await accounts.addUser(
        this.store,
        { username: user.username, role: user.role, tenant: user.tenant, password: passwords.next },
        this.clock,
      );
    } catch (err) {
      if (err instanceof accounts.AccountError) return { ok: false, reason: 'weak', message: err.message };
      throw err;
    }
    await this.sessions.destroyUser(user.username);
    await this.refresh();
    audit('ok');
    return { ok: true, principal: self };
  }

  /** Creates or replaces a user; `tenant` defaults to the actor's. */
  async addUser(
    actor: Principal,
    input: { username: string; role: string; password: string; tenant?: string },
    remoteAddr: string,
  ) {
    const tenant = input.tenant || actor.tenant;
    const existing = this.users.get(input.username);
    if (!manages(actor, tenant) || (existing && !manages(actor, existing.tenant)))
      throw new TenantAccessError(`users of tenant ${actor.tenant} only`);
    const user = await accounts.addUser(this.store, { ...input, tenant }, this.clock);
    await this.sessions.destroyUser(user.username);
    await this.refresh();
    this.audit({
      actor: actor.user,
      action: 'user.put',
      target: user.username,
      outcome: 'ok',
      remoteAddr,
      detail: `role=${user.role} tenant=${user.tenant}`,
    });
    return user;
  }

  async removeUser(actor: Principal, username: string, remoteAddr: string): Promise<boolean> {
    const user = this.users.get(username);
    if (user && !manages(actor, user.tenant)) return false;
    const removed = await accounts.removeUser(this.store, username);
    await this.sessions.destroyUser(username);
    await this.refresh();
    if (removed)
      this.audit({ actor: actor.user, action: 'user.remove', target: username, outcome: 'ok', remoteAddr, detail: '' });
    return removed;
  }

  /** The users the actor manages. */
  listUsers(actor: Principal): accounts.UserInfo[] {
    return [...this.users.values()].filter((u) => manages(actor, u.tenant)).map(accounts.userInfo);
  }

  /** The tokens the actor manages. */
  async listTokens(actor: Principal): Promise<accounts.TokenInfo[]> {
    return (await this.store.listTokens()).filter((t) => manages(actor, t.tenant)).map(accounts.tokenInfo);
  }

  /** Creates a token; `tenant` defaults to the actor's. */
  async createToken(actor: Principal, input: Omit<accounts.NewToken, 'createdBy'>, remoteAddr: string) {
    const tenant = input.tenant || actor.tenant;
    if (!manages(actor, tenant)) throw new TenantAccessError(`tokens of tenant ${actor.tenant} only`);
    const created = await accounts.createToken(this.store, { ...input, tenant, createdBy: actor.user }, this.clock);
    await this.refresh();
    const t = created.token;
    this.audit({
      actor: actor.user,
      action: 'token.create',
      target: t.id,
      outcome: 'ok',
      remoteAddr,
      detail: t.kind === 'api' ? `api role=${t.role} tenant=${t.tenant}` : `ingest tenant=${t.tenant}`,
    });
    return created;
  }

  async revokeToken(actor: Principal, id: string, remoteAddr: string): Promise<boolean> {
    const token = (await this.store.listTokens()).find((t) => t.id === id);
    if (token && !manages(actor, token.tenant)) return false;
    const revoked = await accounts.revokeToken(this.store, id, this.clock);
    await this.refresh();
    if (revoked)
      this.audit({ actor: actor.user, action: 'token.revoke', target: id, outcome: 'ok', remoteAddr, detail: '' });
    return revoked;
  }

  listAudit(limit: number) {
    return this.store.listAudit(limit);
  }

  /** Audit writes never fail a request; a lost entry is preferable to a refused login. */
  audit(entry: AuditEntry): void {
    this.track(this.store.appendAudit({ ...entry, timeMs: this.clock() }));
  }

  private track(p: Promise<unknown>): void {
    const settled = p.catch(() => {});
    this.pending.add(settled);
    settled.finally(() => this.pending.delete(settled));
  }

  private expired(t: TokenRow): boolean {
    return t.expiresAtMs !== null && t.expiresAtMs <= this.clock();
  }
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(sha256(a), 'hex');
  const y = Buffer.from(sha256(b), 'hex');
  return timingSafeEqual(x, y);
}

export { ANONYMOUS };
