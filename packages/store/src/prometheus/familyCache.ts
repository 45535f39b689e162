import type { Sql } from '../client';
import { otlpFamilies, type TimedFamily } from './families';

/** Tenants whose families are kept (the least recently read go first). */
const MAX_TENANTS = 1_000;

interface Entry {
  /** The store's count of metric writes when the read began. */
  writes: number;
  startMs: number;
  families: Promise<TimedFamily[]>;
}

/**
 * Which OTLP metrics a tenant holds, kept between requests until the next metric write: every
 * PromQL, /labels and /metadata request needs them, and reading them scans the metric tables'
 * name columns over the whole range (150-300 ms over 24 h of 1,000 series), while they change
 * only when metrics are written. A read after the start of a kept one is answered from it; one
 * that reaches further back reads again. Nothing is stale: a write, of any tenant, drops them.
 */
export class FamilyCache {
  private readonly entries = new Map<string, Entry>();

  /** `writes` counts the store's completed metric writes. */
  constructor(private readonly writes: () => number) {}

  /** The families with points in (startMs, endMs], each with its first and last time after startMs. */
  async get(sql: Sql, tenant: string, startMs: number, endMs: number): Promise<TimedFamily[]> {
    const writes = this.writes();
    let e = this.entries.get(tenant);
    if (!e || e.writes !== writes || e.startMs > startMs) {
      const entry: Entry = { writes, startMs, families: otlpFamilies(sql, tenant, startMs) };
      e = entry;
      // A failed read is not kept: the next request reads again.
      entry.families.catch(() => {
        if (this.entries.get(tenant) === entry) this.entries.delete(tenant);
      });
    }
    this.entries.delete(tenant);
    this.entries.set(tenant, e);
    if (this.entries.size > MAX_TENANTS) this.entries.delete(this.entries.keys().next().value!);
    // Families read from an earlier start: only those with points after this one's start. One
    // with points on both sides of the range but none in it is kept too; its reads find nothing.
    return (await e.families).filter((f) => f.lastMs > startMs && f.firstMs <= endMs);
  }
}
