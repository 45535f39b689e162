/**
 * Access-control tables (migration 5). Rows are few and change rarely, so they live in
 * ReplacingMergeTree tables keyed by their natural id: a change inserts the whole row again
 * with a newer `UpdatedAt`, and readers use FINAL. Deletion is a row with `Deleted = 1`
 * (users) or a `RevokedAt` (tokens), so the history stays until merges fold it.
 * Sessions came later (migration 9, `sessionsSql`).
 */
export const usersSql = `CREATE TABLE IF NOT EXISTS users (
  Username String,
  Role LowCardinality(String),
  PasswordHash String,
  CreatedAt DateTime64(3),
  UpdatedAt DateTime64(6) DEFAULT now64(6),
  Deleted UInt8 DEFAULT 0
)
ENGINE = ReplacingMergeTree(UpdatedAt)
ORDER BY Username`;

/**
 * API tokens (Kind 'api', with a role) and ingest tokens (Kind 'ingest', with a tenant).
 * Only the sha256 of a token is stored; TokenId is the public handle used to revoke it.
 * Tenant is carried now so that the tenant column on the data tables can follow without
 * another change here.
 */
export const apiTokensSql = `CREATE TABLE IF NOT EXISTS api_tokens (
  TokenId String,
  TokenHash String,
  Name String,
  Kind LowCardinality(String),
  Role LowCardinality(String),
  Tenant LowCardinality(String),
  CreatedBy String,
  CreatedAt DateTime64(3),
  ExpiresAt Nullable(DateTime64(3)),
  RevokedAt Nullable(DateTime64(3)),
  UpdatedAt DateTime64(6) DEFAULT now64(6)
)
ENGINE = ReplacingMergeTree(UpdatedAt)
ORDER BY TokenId`;

/** Logins, logouts and admin actions; never a password or token, only who did what to what. */
export const auditLogSql = `CREATE TABLE IF NOT EXISTS audit_log (
  Time DateTime64(3) DEFAULT now64(3),
  Actor String,
  Action LowCardinality(String),
  Target String,
  Outcome LowCardinality(String),
  RemoteAddr String,
  Detail String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(Time)
ORDER BY Time
TTL toDateTime(Time) + INTERVAL 400 DAY`;

export const authTablesSql = [usersSql, apiTokensSql, auditLogSql];

/**
 * Browser sessions (migration 9), so a restart does not log everyone out and several processes
 * sharing a ClickHouse server share them. Only the sha256 of a session id is stored, like tokens.
 * Ending a session inserts the row again with `Ended = 1` and the same ExpiresAt, so the TTL
 * removes both versions together and an ended session can never reappear.
 */
export const sessionsSql = `CREATE TABLE IF NOT EXISTS sessions (
  SessionHash String,
  Username String,
  Role LowCardinality(String),
  Tenant LowCardinality(String),
  CreatedAt DateTime64(3),
  ExpiresAt DateTime64(3),
  Ended UInt8 DEFAULT 0,
  UpdatedAt DateTime64(6) DEFAULT now64(6)
)
ENGINE = ReplacingMergeTree(UpdatedAt)
ORDER BY SessionHash
TTL toDateTime(ExpiresAt) + INTERVAL 1 DAY`;
