import type { Sql } from '../client';
import { tenantKey } from '../tenant';

export interface DashboardRow {
  id: string;
  title: string;
  /** The dashboard document (JSON text), as the API received it. */
  definition: string;
  createdBy: string;
  updatedBy: string;
  updatedAtUnixMs: number;
}

const MAX_DASHBOARDS = 10_000;

/** Dashboards per tenant: every read and write is scoped to one tenant. */
export class DashboardStore {
  constructor(private readonly sql: Sql) {}

  async list(tenant: string): Promise<Omit<DashboardRow, 'definition'>[]> {
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT Id, Title, CreatedBy, UpdatedBy, toUnixTimestamp64Milli(UpdatedAt) AS ms
FROM dashboards FINAL WHERE Tenant = {tenant:String} AND Deleted = 0
ORDER BY Title LIMIT ${MAX_DASHBOARDS}`,
      { tenant: tenantKey(tenant) },
      { maxRows: MAX_DASHBOARDS },
    );
    return rows.map((r) => ({
      id: String(r.Id),
      title: String(r.Title),
      createdBy: String(r.CreatedBy),
      updatedBy: String(r.UpdatedBy),
      updatedAtUnixMs: Number(r.ms),
    }));
  }

  async get(tenant: string, id: string): Promise<DashboardRow | null> {
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT Id, Title, Definition, CreatedBy, UpdatedBy, toUnixTimestamp64Milli(UpdatedAt) AS ms
FROM dashboards FINAL WHERE Tenant = {tenant:String} AND Id = {id:String} AND Deleted = 0 LIMIT 1`,
      { tenant: tenantKey(tenant), id },
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: String(r.Id),
      title: String(r.Title),
      definition: String(r.Definition),
      createdBy: String(r.CreatedBy),
      updatedBy: String(r.UpdatedBy),
      updatedAtUnixMs: Number(r.ms),
    };
  }

  /** Creates or replaces a dashboard; the first writer stays its creator. */
  async put(tenant: string, d: { id: string; title: string; definition: string; user: string }): Promise<void> {
    const previous = await this.get(tenant, d.id);
    await this.sql.command(
      `INSERT INTO dashboards (Tenant, Id, Title, Definition, CreatedBy, UpdatedBy)
VALUES ({tenant:String}, {id:String}, {title:String}, {definition:String}, {createdBy:String}, {user:String})`,
      {
        tenant: tenantKey(tenant),
        id: d.id,
        title: d.title,
        definition: d.definition,
        createdBy: previous?.createdBy ?? d.user,
        user: d.user,
      },
    );
  }

  /** True when there was a dashboard to delete. */
  async delete(tenant: string, id: string, user: string): Promise<boolean> {
    const previous = await this.get(tenant, id);
    if (!previous) return false;
    await this.sql.command(
      `INSERT INTO dashboards (Tenant, Id, Title, Definition, CreatedBy, UpdatedBy, Deleted)
VALUES ({tenant:String}, {id:String}, '', '', {createdBy:String}, {user:String}, 1)`,
      { tenant: tenantKey(tenant), id, createdBy: previous.createdBy, user },
    );
    return true;
  }
}
