import type { Sql } from '../client';
import { tenantKey } from '../tenant';
import type { OtlpFamily } from './families';
import type { FamilyCache } from './familyCache';

/**
 * What a tenant holds in a time range, with the newest row time of each table and metric family
 * in it: a narrower range with the same end is answered from it exactly (data after its start).
 */
export interface Probe {
  startMs: number;
  /**
   * Derived tables with rows in (start - stale, end], by their newest WindowEnd (ms): read when
   * first asked for (a read of OTLP metrics only never asks: ~15-25 ms of a 24 h dashboard's).
   */
  derivedLastMs: () => Promise<Map<string, number>>;
  /** OTLP metric families with points in (start, end], with their newest point time (ms). */
  families: (OtlpFamily & { lastMs: number })[];
}

export type Prober = (tenant: string, startMs: number, endMs: number) => Promise<Probe>;

/** The families (from the cache while it holds), and a reader of the derived tables' newest rows. */
export function prober(sql: Sql, staleMs: number, familyCache: FamilyCache): Prober {
  return async (tenant, startMs, endMs) => {
    const families = await familyCache.get(sql, tenant, Math.floor(startMs), Math.floor(endMs));
    let derived: Promise<Map<string, number>> | undefined;
    const derivedLastMs = () => {
      if (!derived) {
        const read = sql
          .query<{ tbl: string; last: number | string }>(
            `SELECT 'span_metrics' AS tbl, toUnixTimestamp64Milli(max(WindowEnd)) AS last FROM span_metrics
WHERE Tenant = {tenant:String} AND WindowEnd > fromUnixTimestamp64Milli({from:Int64}) AND WindowEnd <= fromUnixTimestamp64Milli({endMs:Int64})
HAVING count() > 0
UNION ALL
SELECT 'service_graph_edges', toUnixTimestamp64Milli(max(WindowEnd)) FROM service_graph_edges
WHERE Tenant = {tenant:String} AND WindowEnd > fromUnixTimestamp64Milli({from:Int64}) AND WindowEnd <= fromUnixTimestamp64Milli({endMs:Int64})
HAVING count() > 0`,
            { tenant: tenantKey(tenant), from: Math.floor(startMs - staleMs), endMs: Math.floor(endMs) },
          )
          .then((tables) => new Map(tables.map((t) => [t.tbl, Number(t.last)])));
        derived = read;
        // A failed read is not remembered: the next one tries again.
        read.catch(() => {
          if (derived === read) derived = undefined;
        });
      }
      return derived;
    };
    return { startMs, derivedLastMs, families };
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
