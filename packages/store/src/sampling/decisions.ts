import type { Sql } from '../client';

export interface TraceDecision {
  traceId: string;
  decision: 'keep' | 'drop' | 'pending';
  rule: string | null;
  reason: string | null;
  decidedAtUnixNano: string | null;
  adjustedCount: number | null;
}

/**
 * The sampling decision of a trace: the first one recorded (a decision never changes;
 * a re-run window after a crash can only insert the same row again), `pending` while the
 * trace is known but undecided, undefined for a trace id never seen.
 */
export async function traceDecision(sql: Sql, traceId: string): Promise<TraceDecision | undefined> {
  const [row] = await sql.query<{ Decision: 'keep' | 'drop'; Rule: string; Reason: string; At: string; Adj: number }>(
    `SELECT Decision, Rule, Reason, toString(toUnixTimestamp64Nano(DecidedAt)) AS At, AdjustedCount AS Adj
FROM sampling_decisions WHERE TraceId = {traceId:String} ORDER BY DecidedAt LIMIT 1`,
    { traceId },
  );
  if (row) {
    return {
      traceId,
      decision: row.Decision,
      rule: row.Rule,
      reason: row.Reason,
      decidedAtUnixNano: row.At,
      adjustedCount: Number(row.Adj),
    };
  }
  const [seen] = await sql.query<{ n: string }>(
    'SELECT count() AS n FROM trace_index WHERE TraceId = {traceId:String}',
    { traceId },
  );
  if (!seen || Number(seen.n) === 0) return undefined;
  return { traceId, decision: 'pending', rule: null, reason: null, decidedAtUnixNano: null, adjustedCount: null };
}
