import type { QueryLimits, Sql } from '../client';

/** Where one trace id's spans are: the trace index's rows folded into one range. */
export interface TraceRange {
  /** Spans received for the trace id (the trace index's count, duplicates included). */
  received: number;
  /** Span time range, ns decimal strings. */
  start: string;
  end: string;
  /** Ingest time range, ms decimal strings. */
  ingestStart: string;
  ingestEnd: string;
  /** Its newest span was ingested within the recent window (its recent copy may still exist). */
  recent: boolean;
}

const READ: QueryLimits = { priority: 'interactive' };

/**
 * Index rows folded here at most; a trace written in more insert blocks than that (and not yet
 * merged) is folded by ClickHouse instead.
 */
const MAX_FOLDED_ROWS = 64;

interface IndexRow {
  start: string;
  end: string;
  ingestStart: string;
  ingestEnd: string;
  spanCount: string;
  recent: number;
}

/**
 * The trace index's range of a trace id, or undefined when it has none. The index aggregates per
 * insert block, so a trace has one row per block until merges fold them: reading the rows and
 * folding them here measured ~2 ms less than min/max/sum in SQL (4-6 against 6-8 ms), a tenth of
 * a trace by id. `recent` uses the database's clock, as the recent table's TTL does.
 */
export async function readTraceRange(
  sql: Sql,
  traceId: string,
  recentSeconds: number,
): Promise<TraceRange | undefined> {
  // 0: no retention known, always read the recent window too.
  const params = { traceId, recentSeconds: Number.isFinite(recentSeconds) ? Math.max(1, Math.ceil(recentSeconds)) : 0 };
  const recent = '{recentSeconds:UInt32} = 0 OR IngestEnd >= now64(3) - toIntervalSecond({recentSeconds:UInt32})';
  const rows = await sql.query<IndexRow>(
    `SELECT toString(toUnixTimestamp64Nano(Start)) AS start, toString(toUnixTimestamp64Nano(End)) AS end,
  toString(toUnixTimestamp64Milli(IngestStart)) AS ingestStart, toString(toUnixTimestamp64Milli(IngestEnd)) AS ingestEnd,
  toString(SpanCount) AS spanCount, ${recent} AS recent
FROM trace_index WHERE TraceId = {traceId:String}
LIMIT ${MAX_FOLDED_ROWS + 1}`,
    params,
    READ,
  );
  if (rows.length === 0) return undefined;
  if (rows.length <= MAX_FOLDED_ROWS) return fold(rows);
  const [folded] = await sql.query<IndexRow>(
    `SELECT toString(toUnixTimestamp64Nano(min(Start))) AS start, toString(toUnixTimestamp64Nano(max(End))) AS end,
  toString(toUnixTimestamp64Milli(min(IngestStart))) AS ingestStart, toString(toUnixTimestamp64Milli(max(IngestEnd))) AS ingestEnd,
  toString(sum(SpanCount)) AS spanCount, max(${recent}) AS recent
FROM trace_index WHERE TraceId = {traceId:String}`,
    params,
    READ,
  );
  return fold([folded!]);
}

function fold(rows: readonly IndexRow[]): TraceRange {
  const [first, ...rest] = rows;
  let { start, end, ingestStart, ingestEnd } = first!;
  let received = Number(first!.spanCount);
  let recent = Boolean(Number(first!.recent));
  for (const r of rest) {
    if (compareDecimal(r.start, start) < 0) start = r.start;
    if (compareDecimal(r.end, end) > 0) end = r.end;
    if (compareDecimal(r.ingestStart, ingestStart) < 0) ingestStart = r.ingestStart;
    if (compareDecimal(r.ingestEnd, ingestEnd) > 0) ingestEnd = r.ingestEnd;
    received += Number(r.spanCount);
    recent ||= Boolean(Number(r.recent));
  }
  return { received, start, end, ingestStart, ingestEnd, recent };
}

/** Non-negative decimal strings (ns or ms since the epoch) compared as numbers. */
export const compareDecimal = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
