import type { Sql } from '../client';
import { tenantKey } from '../tenant';
import type { OtlpFamily } from './families';
import type { FamilyCache } from './familyCache';

/**
 * What a tenant holds in a time range: its metric families with the newest point time of each
 * (a narrower range with the same end is answered from them exactly: data after its start), and
 * which derived tables have rows since a time (asked per time).
 */
export interface Probe {
  startMs: number;
  /**
   * The derived tables with rows in (fromMs, end]: read when first asked for (a read of OTLP
   * metrics only never asks), once per `fromMs`.
   */
  derivedTables: (fromMs: number) => Promise<Set<string>>;
  /** OTLP metric families with points in (start, end], with their newest point time (ms). */
  families: (OtlpFamily & { lastMs: number })[];
}

export type Prober = (tenant: string, startMs: number, endMs: number) => Promise<Probe>;

/**
 * Whether each derived table has a row in (from, end]: the first row found is enough (~10 ms
 * against ~25 for the newest row's time, which read every row of the range).
 */
const DERIVED_TABLES_SQL = ['span_metrics', 'service_graph_edges']
  .map(
    (table) => `SELECT * FROM (SELECT '${table}' AS tbl FROM ${table}
WHERE Tenant = {tenant:String} AND WindowEnd > fromUnixTimestamp64Milli({from:Int64}) AND WindowEnd <= fromUnixTimestamp64Milli({endMs:Int64})
LIMIT 1)`,
  )
  .join('\nUNION ALL\n');

/** The families (from the cache while it holds), and a reader of which derived tables have rows. */
export function prober(sql: Sql, familyCache: FamilyCache): Prober {
  return async (tenant, startMs, endMs) => {
    const families = await familyCache.get(sql, tenant, Math.floor(startMs), Math.floor(endMs));
    const derived = new Map<number, Promise<Set<string>>>();
    const derivedTables = (fromMs: number) => {
      const from = Math.floor(fromMs);
      let tables = derived.get(from);
      if (!tables) {
        const read = sql
          .query<{ tbl: string }>(DERIVED_TABLES_SQL, { tenant: tenantKey(tenant), from, endMs: Math.floor(endMs) })
          .then((rows) => new Set(rows.map((r) => r.tbl)));
        tables = read;
        derived.set(from, read);
        // A failed read is not remembered: the next one tries again.
        read.catch(() => {
          if (derived.get(from) === read) derived.delete(from);
        });
      }
      return tables;
    };
    return { startMs, derivedTables, families };
  };
}

/**
 * Probes shared by the reads of one query or one rule group evaluation: a read probes once per
 * end time, and a read of a narrower window is answered from a wider probe (its series are
 * then exactly the ones a probe of its own would give). Lives as long as that query or
 * evaluation, so data that arrives later is seen by the next one.
 */
export class ProbeCache {
  private readonly byEnd = new Map<string, Promise<Probe>>();

  constructor(private readonly probe: Prober) {}

  get(tenant: string, startMs: number, endMs: number): Promise<Probe> {
    const key = `${tenant}\n${endMs}`;
    const hit = this.byEnd.get(key);
    const fresh = () => {
      const p = this.probe(tenant, startMs, endMs);
      this.byEnd.set(key, p);
      // A failed probe is not remembered: the next read tries again.
      p.catch(() => {
        if (this.byEnd.get(key) === p) this.byEnd.delete(key);
      });
      return p;
    };
    if (!hit) return fresh();
    return hit.then((h) => (h.startMs <= startMs ? h : fresh()));
  }
}
