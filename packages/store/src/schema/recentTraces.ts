import type { Sql } from '../client';
import { traceIndexSql } from './tables';

/**
 * Migration 19: the sampler's and the service graph's view of the recent traces, in tables
 * partitioned by time (figures in docs/performance.md, bench:ingest-processors).
 *
 * `trace_index` and `sampling_decisions` keep every trace for `retention.spans` (14 days),
 * sorted by trace id, and the processors look thousands of random trace ids up in them every
 * tick: each id costs a granule of every part, so a tick read about the whole table and its
 * cost grew with the store's age. The processors only need what `spans_recent` holds
 * (`retention.spansRecent`), so they read these instead, whose 15-minute partitions let a read
 * bounded in time skip the rest:
 * - `recent_traces`: trace_index's rows of the recent window; spans_recent feeds it and it
 *   feeds trace_index (one aggregation per insert, as before);
 * - `recent_decisions`: where the sampler records its decisions; it feeds sampling_decisions,
 *   which the API and search keep reading for `retention.spans`.
 * Writers that fill the long tables directly (benchmarks, tests) do not reach these.
 */

/**
 * recent_decisions keeps a decision for twice the recent window and this margin: a span ingested
 * within the window still finds a decision made up to a window before it (the sampler's
 * late-span window, see packages/sampling/src/engine/horizon.ts).
 */
export const RECENT_DECISIONS_MARGIN_SECONDS = 600;

// trace_index's columns (and sampling_decisions'), partitioned by time.
const recentTracesSql = `CREATE TABLE IF NOT EXISTS recent_traces AS trace_index
ENGINE = AggregatingMergeTree
PARTITION BY toStartOfFifteenMinutes(IngestEnd)
ORDER BY TraceId
SETTINGS ttl_only_drop_parts = 1`;

// Sorted by decision time too, so two decisions of one trace id (horizon.ts) never fold into one.
const recentDecisionsSql = [
  `CREATE TABLE IF NOT EXISTS recent_decisions AS sampling_decisions
ENGINE = ReplacingMergeTree
PARTITION BY toStartOfFifteenMinutes(DecidedAt)
ORDER BY (TraceId, DecidedAt)
SETTINGS ttl_only_drop_parts = 1`,
  // The first IngestTime of the spans the decision was made on (0: copied at the migration).
  'ALTER TABLE recent_decisions ADD COLUMN IF NOT EXISTS FirstIngest DateTime64(3) DEFAULT 0',
];

// Migration 1's aggregation of spans_recent, into recent_traces.
const recentTracesViewSql = traceIndexSql[1]!.replace(
  'trace_index_mv TO trace_index',
  'recent_traces_mv TO recent_traces',
);

/** trace_index from recent_traces' blocks, already aggregated (migration 1's view read spans_recent). */
const traceIndexViewSql = `CREATE MATERIALIZED VIEW IF NOT EXISTS trace_index_mv TO trace_index AS
SELECT TraceId, Start, End, IngestStart, IngestEnd, SpanCount FROM recent_traces`;

// A column added to sampling_decisions later must be added to recent_decisions and this view recreated.
const recentDecisionsViewSql = `CREATE MATERIALIZED VIEW IF NOT EXISTS recent_decisions_mv TO sampling_decisions AS
SELECT * EXCEPT (FirstIngest) FROM recent_decisions`;

/**
 * Creates the tables and views, filling the recent tables first from the long ones (what
 * spans_recent still holds), before their view exists: a re-run after a crash starts that
 * table over, and nothing is copied back into the long tables. Runs before anything ingests.
 */
export async function createRecentTraces(sql: Sql): Promise<void> {
  await sql.command(recentTracesSql);
  for (const statement of recentDecisionsSql) await sql.command(statement);
  // What spans_recent holds; decisions a window further back (a late span finds its decision
  // up to a window after it, see RECENT_DECISIONS_MARGIN_SECONDS).
  const [held] = await sql.query<{ oldest: string; now: string; n: string }>(
    `SELECT toString(toUnixTimestamp64Milli(min(IngestTime))) AS oldest, toString(toUnixTimestamp64Milli(now64(3))) AS now,
  count() AS n FROM spans_recent`,
  );
  const since = Number(held?.n ?? 0) > 0 ? Number(held!.oldest) : null;
  const decisionsSince = since === null ? null : 2 * since - Number(held!.now);
  if (!(await exists(sql, 'recent_traces_mv'))) {
    await sql.command('TRUNCATE TABLE recent_traces');
    if (since !== null)
      await sql.command(
        `INSERT INTO recent_traces SELECT TraceId, Start, End, IngestStart, IngestEnd, SpanCount
FROM trace_index WHERE IngestEnd >= fromUnixTimestamp64Milli({since:Int64})`,
        { since },
      );
    await sql.command(recentTracesViewSql);
  }
  await sql.command('DROP VIEW IF EXISTS trace_index_mv');
  await sql.command(traceIndexViewSql);
  if (!(await exists(sql, 'recent_decisions_mv'))) {
    await sql.command('TRUNCATE TABLE recent_decisions');
    if (decisionsSince !== null)
      await sql.command(
        `INSERT INTO recent_decisions SELECT *, 0 AS FirstIngest
FROM sampling_decisions WHERE DecidedAt >= fromUnixTimestamp64Milli({since:Int64})`,
        { since: decisionsSince },
      );
    await sql.command(recentDecisionsViewSql);
  }
}

async function exists(sql: Sql, table: string): Promise<boolean> {
  const [row] = await sql.query<{ n: string }>(
    'SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = {table:String}',
    { table },
  );
  return Number(row?.n ?? 0) > 0;
}

/** recent_traces expires with spans_recent, recent_decisions a window and a margin later. */
export const recentTracesTtlSql = (spansRecentSeconds: number): string[] => {
  const s = Math.max(1, Math.round(spansRecentSeconds));
  return [
    `ALTER TABLE recent_traces MODIFY TTL toDateTime(IngestEnd) + toIntervalSecond(${s})`,
    `ALTER TABLE recent_decisions MODIFY TTL toDateTime(DecidedAt) + toIntervalSecond(${2 * s + RECENT_DECISIONS_MARGIN_SECONDS})`,
  ];
};
