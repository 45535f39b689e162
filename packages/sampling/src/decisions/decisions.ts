import { type QueryLimits, type Store, tenantKey } from '@tracehouse/store';

/** An API read: ahead of the background processors. */
const READ: QueryLimits = { priority: 'interactive' };

export interface TraceDecision {
  traceId: string;
  decision: 'keep' | 'drop' | 'pending';
  rule: string | null;
  reason: string | null;
  decidedAtUnixNano: string | null;
  adjustedCount: number | null;
}

/**
 * The sampling decision of a trace of `tenant`: the first one recorded (a decision never changes;
 * a re-run window after a crash can only insert the same row again), `pending` while the
 * trace is known but undecided, undefined for a trace id the tenant never sent. A decision is
 * made per trace id; `Tenants` lists the tenants that sent spans of the trace.
 */
export async function traceDecision(store: Store, traceId: string, tenant: string): Promise<TraceDecision | undefined> {
  const { sql } = store;
  const params = { traceId, tenant: tenantKey(tenant) };
  const [row] = await sql.query<{ Decision: 'keep' | 'drop'; Rule: string; Reason: string; At: string; Adj: number }>(
    `SELECT Decision, Rule, Reason, toString(toUnixTimestamp64Nano(DecidedAt)) AS At, AdjustedCount AS Adj
FROM sampling_decisions WHERE TraceId = {traceId:String} AND has(Tenants, {tenant:String}) ORDER BY DecidedAt LIMIT 1`,
    params,
    READ,
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
    `WITH (SELECT (min(IngestStart), max(IngestEnd)) FROM trace_index WHERE TraceId = {traceId:String}) AS range
SELECT count() AS n FROM spans_recent
WHERE TraceId = {traceId:String} AND Tenant = {tenant:String} AND IngestTime >= range.1 AND IngestTime <= range.2`,
    params,
    READ,
  );
  if (!seen || Number(seen.n) === 0) return undefined;
  return { traceId, decision: 'pending', rule: null, reason: null, decidedAtUnixNano: null, adjustedCount: null };
}

/**
 * Of `traceIds`, those whose recorded decision is drop (sampling rules beyond the defaults
 * can drop a trace `keptSpanSql` expected to be kept).
 */
export async function droppedTraces(store: Store, traceIds: readonly string[]): Promise<Set<string>> {
  if (traceIds.length === 0) return new Set();
  const rows = await store.sql.query<{ TraceId: string }>(
    `SELECT TraceId FROM sampling_decisions WHERE TraceId IN {ids:Array(String)}
GROUP BY TraceId HAVING argMin(Decision, DecidedAt) = 'drop'`,
    { ids: [...new Set(traceIds)] },
  );
  return new Set(rows.map((r) => r.TraceId));
}
