import type { Sql } from '../client';
import { dataTables } from '../schema/tables';

export interface SamplingRuleStats {
  rule: string;
  decided: number;
  kept: number;
  keepRatio: number;
  /** Seconds from a trace's last span end to its decision. */
  decisionLagP50Seconds: number;
  decisionLagP95Seconds: number;
}

export interface OldestData {
  table: string;
  /** Unix seconds of the oldest row by the column its retention follows; null when empty. */
  oldestUnixSeconds: number | null;
}

/**
 * Aggregates for the admin ops page. Only counts, ratios and times: nothing here returns a
 * row's content, so the page can never show telemetry.
 */
export class OpsQueries {
  constructor(private readonly sql: Sql) {}

  async samplingByRule(windowSeconds: number): Promise<SamplingRuleStats[]> {
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT Rule, count() AS decided, countIf(Decision = 'keep') AS kept,
  quantiles(0.5, 0.95)((toUnixTimestamp64Milli(DecidedAt) - toUnixTimestamp64Milli(TraceEnd)) / 1000) AS lag
FROM sampling_decisions FINAL
WHERE DecidedAt >= now64(3) - toIntervalSecond({window:UInt32})
GROUP BY Rule ORDER BY decided DESC LIMIT 1000`,
      { window: windowSeconds },
      { maxRows: 1000, maxExecutionSeconds: 10 },
    );
    return rows.map((r) => {
      const decided = Number(r.decided);
      const kept = Number(r.kept);
      const lag = (r.lag as number[]) ?? [0, 0];
      return {
        rule: String(r.Rule),
        decided,
        kept,
        keepRatio: decided > 0 ? kept / decided : 0,
        decisionLagP50Seconds: Number(lag[0] ?? 0),
        decisionLagP95Seconds: Number(lag[1] ?? 0),
      };
    });
  }

  /** min() over the column each table's TTL follows: served from part min/max indexes where it can. */
  async oldestData(): Promise<OldestData[]> {
    const out: OldestData[] = [];
    for (const t of dataTables) {
      const rows = await this.sql.query<{ n: string; oldest: string }>(
        `SELECT count() AS n, toUnixTimestamp(min(${t.ttlColumn})) AS oldest FROM ${t.name}`,
        {},
        { maxRows: 1, maxExecutionSeconds: 10 },
      );
      const r = rows[0];
      out.push({ table: t.name, oldestUnixSeconds: r && Number(r.n) > 0 ? Number(r.oldest) : null });
    }
    return out;
  }

  /** Round trip of a trivial query, in seconds. */
  async pingSeconds(): Promise<number | null> {
    const t0 = performance.now();
    try {
      await this.sql.query('SELECT 1', {}, { maxRows: 1, maxExecutionSeconds: 5 });
      return (performance.now() - t0) / 1000;
    } catch {
      return null;
    }
  }
}
