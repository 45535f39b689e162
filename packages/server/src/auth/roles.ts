/**
 * Roles are ordered: each includes the ones below it.
 * - viewer: reads telemetry (native API, Tempo-compatible API, the UI's data)
 * - ops: also the operational pages and /metrics
 * - admin: also manages users, tokens, retention and sampling configuration
 */
export const ROLES = ['viewer', 'ops', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (s: unknown): s is Role => typeof s === 'string' && (ROLES as readonly string[]).includes(s);

/** True when `have` includes the rights of `need`. */
export const roleAtLeast = (have: Role, need: Role): boolean => ROLES.indexOf(have) >= ROLES.indexOf(need);

/**
 * What a route requires: `public` (anyone), `metrics` (public when auth.publicMetrics,
 * otherwise ops), or a minimum role.
 */
export type Policy = 'public' | 'metrics' | Role;

export interface Principal {
  user: string;
  role: Role;
  /** The tenant whose telemetry this caller reads (every query is scoped to it). */
  tenant: string;
  via: 'anonymous' | 'admin-token' | 'token' | 'session';
}
