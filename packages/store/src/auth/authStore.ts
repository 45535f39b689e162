import type { Sql } from '../client';
import { DEFAULT_TENANT } from '../tenant';

export interface UserRow {
  username: string;
  role: string;
  /** The tenant whose telemetry the user reads. */
  tenant: string;
  passwordHash: string;
  createdAtMs: number;
}

export interface TokenRow {
  id: string;
  hash: string;
  name: string;
  kind: 'api' | 'ingest';
  /** Role of an API token; '' for an ingest token. */
  role: string;
  /** Tenant an ingest token writes to, or an API token reads ('default' when there is one tenant). */
  tenant: string;
  createdBy: string;
  createdAtMs: number;
  expiresAtMs: number | null;
  revokedAtMs: number | null;
}

export interface SessionRow {
  /** sha256 of the session id (the cookie value is never stored). */
  hash: string;
  username: string;
  role: string;
  tenant: string;
  createdAtMs: number;
  expiresAtMs: number;
}

export interface AuditEntry {
  timeMs?: number;
  actor: string;
  action: string;
  target: string;
  outcome: 'ok' | 'denied' | 'failed';
  remoteAddr: string;
  detail: string;
}

const num = (v: unknown): number => Number(v);
const maybeNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Users, tokens and the audit log; every statement takes bound parameters. */
export class AuthStore {
  constructor(private readonly sql: Sql) {}

  async listUsers(): Promise<UserRow[]> {
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT Username, Role, Tenant, PasswordHash, toUnixTimestamp64Milli(CreatedAt) AS CreatedAtMs
FROM users FINAL WHERE Deleted = 0 ORDER BY Username LIMIT 100000`,
    );
    return rows.map((r) => ({
      username: String(r.Username),
      role: String(r.Role),
      tenant: String(r.Tenant) || DEFAULT_TENANT,
      passwordHash: String(r.PasswordHash),
      createdAtMs: num(r.CreatedAtMs),
    }));
  }

  async putUser(u: UserRow): Promise<void> {
    await this.sql.command(
      `INSERT INTO users (Username, Role, Tenant, PasswordHash, CreatedAt, Deleted)
SELECT {username:String}, {role:String}, {tenant:String}, {hash:String}, fromUnixTimestamp64Milli({created:Int64}), 0`,
      { username: u.username, role: u.role, tenant: u.tenant, hash: u.passwordHash, created: u.createdAtMs },
    );
  }

  async deleteUser(username: string): Promise<void> {
    await this.sql.command(
      `INSERT INTO users (Username, Role, PasswordHash, CreatedAt, Deleted)
SELECT {username:String}, '', '', now64(3), 1`,
      { username },
    );
  }

  /** Every token ever created, revoked ones included (the caller filters). */
  async listTokens(): Promise<TokenRow[]> {
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT TokenId, TokenHash, Name, Kind, Role, Tenant, CreatedBy,
  toUnixTimestamp64Milli(CreatedAt) AS CreatedAtMs,
  toUnixTimestamp64Milli(ExpiresAt) AS ExpiresAtMs,
  toUnixTimestamp64Milli(RevokedAt) AS RevokedAtMs
FROM api_tokens FINAL ORDER BY CreatedAt LIMIT 100000`,
    );
    return rows.map((r) => ({
      id: String(r.TokenId),
      hash: String(r.TokenHash),
      name: String(r.Name),
      kind: r.Kind === 'ingest' ? 'ingest' : 'api',
      role: String(r.Role),
      // API tokens from before tenants were given none: they read the default tenant.
      tenant: String(r.Tenant) || DEFAULT_TENANT,
      createdBy: String(r.CreatedBy),
      createdAtMs: num(r.CreatedAtMs),
      expiresAtMs: maybeNum(r.ExpiresAtMs),
      revokedAtMs: maybeNum(r.RevokedAtMs),
    }));
  }

  async putToken(t: TokenRow): Promise<void> {
    await this.sql.command(
      `INSERT INTO api_tokens (TokenId, TokenHash, Name, Kind, Role, Tenant, CreatedBy, CreatedAt, ExpiresAt, RevokedAt)
SELECT {id:String}, {hash:String}, {name:String}, {kind:String}, {role:String}, {tenant:String}, {createdBy:String},
  fromUnixTimestamp64Milli({created:Int64}),
  if({expires:Int64} = 0, NULL, fromUnixTimestamp64Milli({expires:Int64})),
  if({revoked:Int64} = 0, NULL, fromUnixTimestamp64Milli({revoked:Int64}))`,
      {
        id: t.id,
        hash: t.hash,
        name: t.name,
        kind: t.kind,
        role: t.role,
        tenant: t.tenant,
        createdBy: t.createdBy,
        created: t.createdAtMs,
        expires: t.expiresAtMs ?? 0,
        revoked: t.revokedAtMs ?? 0,
      },
    );
  }

  /** Sessions neither ended nor expired. */
  async listSessions(): Promise<SessionRow[]> {
    const rows = await this.sql.query<SessionRow>(
      `SELECT SessionHash AS hash, Username AS username, Role AS role, Tenant AS tenant,
  toUnixTimestamp64Milli(CreatedAt) AS createdAtMs, toUnixTimestamp64Milli(ExpiresAt) AS expiresAtMs
FROM sessions FINAL WHERE Ended = 0 AND ExpiresAt > now64(3) LIMIT 1000000`,
    );
    // Int64 columns arrive as strings.
    return rows.map((r) => ({ ...r, createdAtMs: num(r.createdAtMs), expiresAtMs: num(r.expiresAtMs) }));
  }

  async putSession(s: SessionRow): Promise<void> {
    await this.sql.command(
      `INSERT INTO sessions (SessionHash, Username, Role, Tenant, CreatedAt, ExpiresAt)
SELECT {hash:String}, {username:String}, {role:String}, {tenant:String},
  fromUnixTimestamp64Milli({createdAtMs:Int64}), fromUnixTimestamp64Milli({expiresAtMs:Int64})`,
      { ...s },
    );
  }

  /** Ends one session (by hash) or all of a user's. */
  async endSessions(which: { hash: string } | { username: string }): Promise<void> {
    const [where, params] =
      'hash' in which
        ? ['SessionHash = {hash:String}', { hash: which.hash }]
        : ['Username = {username:String}', { username: which.username }];
    await this.sql.command(
      `INSERT INTO sessions (SessionHash, Username, Role, Tenant, CreatedAt, ExpiresAt, Ended)
SELECT SessionHash, Username, Role, Tenant, CreatedAt, ExpiresAt, 1 FROM sessions FINAL
WHERE ${where} AND Ended = 0`,
      params,
    );
  }

  async appendAudit(e: AuditEntry): Promise<void> {
    await this.sql.command(
      `INSERT INTO audit_log (Time, Actor, Action, Target, Outcome, RemoteAddr, Detail)
SELECT fromUnixTimestamp64Milli({time:Int64}), {actor:String}, {action:String}, {target:String}, {outcome:String},
  {remote:String}, {detail:String}`,
      {
        time: e.timeMs ?? Date.now(),
        actor: e.actor,
        action: e.action,
        target: e.target,
        outcome: e.outcome,
        remote: e.remoteAddr,
        detail: e.detail,
      },
    );
  }

  /** Newest first. */
  async listAudit(limit: number): Promise<Required<AuditEntry>[]> {
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT toUnixTimestamp64Milli(Time) AS TimeMs, Actor, Action, Target, Outcome, RemoteAddr, Detail
FROM audit_log ORDER BY Time DESC LIMIT {limit:UInt32}`,
      { limit },
      { maxRows: limit },
    );
    return rows.map((r) => ({
      timeMs: num(r.TimeMs),
      actor: String(r.Actor),
      action: String(r.Action),
      target: String(r.Target),
      outcome: r.Outcome as AuditEntry['outcome'],
      remoteAddr: String(r.RemoteAddr),
      detail: String(r.Detail),
    }));
  }
}
