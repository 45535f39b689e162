import { RECENT_DECISIONS_MARGIN_SECONDS, type Store } from '@tracehouse/store';

/** A trace whose sampling decision was first made inside a window. */
export interface DecisionOutcome {
  traceId: string;
  kept: boolean;
}

const MAX_DECIDED = 200_000;

/**
 * Traces first decided in [fromMs, toMs). The decision time of a trace is its earliest
 * decision row in the minutes before the interval, so a decision re-inserted by a re-run
 * sampling window (ReplacingMergeTree folds it later) never puts the trace into a second
 * window. A trace id decided again (the sampler's horizon.ts: spans that arrived longer than
 * retention.spansRecent after its decision) counts again, with those spans: its earlier
 * decision is further back than the look-back, which is the shorter of the two.
 * Read from recent_decisions, partitioned by time: ids are looked up in those minutes only.
 */
export async function decidedTraces(store: Store, fromMs: number, toMs: number): Promise<DecisionOutcome[]> {
  const rows = await store.sql.query<{ traceId: string; decision: string }>(
    `SELECT TraceId AS traceId, argMin(Decision, DecidedAt) AS decision
FROM recent_decisions
WHERE DecidedAt > fromUnixTimestamp64Milli({fromMs:Int64}) - toIntervalSecond({recent:UInt32}) AND TraceId IN (
  SELECT TraceId FROM recent_decisions
  WHERE DecidedAt >= fromUnixTimestamp64Milli({fromMs:Int64}) AND DecidedAt < fromUnixTimestamp64Milli({toMs:Int64}))
GROUP BY TraceId
HAVING min(DecidedAt) >= fromUnixTimestamp64Milli({fromMs:Int64})
LIMIT ${MAX_DECIDED}`,
    { fromMs, toMs, recent: Math.min(store.recentSeconds, RECENT_DECISIONS_MARGIN_SECONDS) },
    // A window's ids are most of the minutes looked up: narrowing by primary key costs more than it saves.
    { maxRows: MAX_DECIDED, primaryKeyForInSubqueries: false },
  );
  return rows.map((r) => ({ traceId: r.traceId, kept: r.decision === 'keep' }));
}

/** The oldest decision time (where a first run starts), or null when nothing was decided. */
export async function oldestDecisionMs(store: Store): Promise<number | null> {
  const rows = await store.sql.query<{ ms: number | string }>(
    'SELECT toUnixTimestamp64Milli(min(DecidedAt)) AS ms FROM recent_decisions HAVING count() > 0',
  );
  return rows.length ? Number(rows[0]!.ms) : null;
}
