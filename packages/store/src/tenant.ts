/**
 * Tenants. Every row of telemetry belongs to one: the tenant of the ingest token that sent it,
 * or the default tenant when ingest tokens are not in use. Readers take the caller's tenant
 * and every query they run is scoped to it (`Tenant = {tenant:String}`).
 */

/** The tenant of a deployment without ingest tokens, of users and tokens created without one. */
export const DEFAULT_TENANT = 'default';

/** Tenant names: what ingest tokens, API tokens and users may carry. */
export const TENANT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * The `Tenant` column's value for a tenant. The default tenant is stored as the empty string:
 * the column was added to tables that already held data (migration 7) and, where it is part of
 * a sorting key, ClickHouse only allows a newly added column without a default there, so the rows
 * from before tenants existed read as '' and belong to the default tenant as they should.
 */
export const tenantKey = (tenant: string): string => (tenant === DEFAULT_TENANT ? '' : tenant);

/** The tenant a `Tenant` column value belongs to (the inverse of tenantKey). */
export const tenantName = (key: string): string => key || DEFAULT_TENANT;
