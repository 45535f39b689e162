import type { SpanRecord } from '@tracehouse/otlp';
import type { Sql } from '../client';
import { spanColumns } from '../schema/columns';
import { spans, spansRecent } from '../schema/tables';
import { tenantKey } from '../tenant';
import { selectList } from './rows';

/** A trace is cut off at this many spans so one giant trace cannot exhaust the heap. */
export const MAX_TRACE_SPANS = 100_000;

/**
 * All stored spans of one trace sent by one tenant, ordered by start time, one row per span id: as received
 * while the recent full-fidelity window still holds it, else the kept copy in `spans`
 * (which carries `ot=th` and `sampling.adjusted_count`).
 *
 * The trace index is read first, on its own: it gives the trace's span-time range, which
 * bounds the `spans` read to one or two granules (sorted by time bucket and trace id), and its
 * ingest-time range, which bounds the recent read to the partitions holding the trace. A trace
 * whose newest span was ingested longer than `recentSeconds` ago has left the recent window
 * (its parts expired), so the recent table is not read at all: a statement over both tables
 * costs about twice one over `spans` alone, even when the recent part reads nothing.
 */
const names = spanColumns.map((c) => `\`${c.name}\``).join(', ');

interface TraceRange {
  found: string;
  start: string;
  end: string;
  ingestStart: string;
  ingestEnd: string;
  recent: number;
}

export async function getTrace(
  sql: Sql,
  traceId: string,
  tenant: string,
  recentSeconds = Infinity,
): Promise<SpanRecord[]> {
  const [range] = await sql.query<TraceRange>(
    `SELECT toString(count()) AS found,
  toString(toUnixTimestamp64Nano(min(Start))) AS start, toString(toUnixTimestamp64Nano(max(End))) AS end,
  toString(toUnixTimestamp64Milli(min(IngestStart))) AS ingestStart, toString(toUnixTimestamp64Milli(max(IngestEnd))) AS ingestEnd,
  {recentSeconds:UInt32} = 0 OR max(IngestEnd) >= now64(3) - toIntervalSecond({recentSeconds:UInt32}) AS recent
FROM trace_index WHERE TraceId = {traceId:String}`,
    // 0: no retention known, always read the recent window too.
    { traceId, recentSeconds: Number.isFinite(recentSeconds) ? Math.max(1, Math.ceil(recentSeconds)) : 0 },
  );
  if (!range || range.found === '0') return [];
  const kept = `SELECT ${names}, 1 AS Source FROM ${spans.name}
  WHERE TraceId = {traceId:String} AND Tenant = {tenant:String} AND Timestamp >= fromUnixTimestamp64Nano({start:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({end:Int64})`;
  const recent = `SELECT ${names}, 0 AS Source FROM ${spansRecent.name}
  WHERE TraceId = {traceId:String} AND Tenant = {tenant:String} AND IngestTime >= fromUnixTimestamp64Milli({ingestStart:Int64}) AND IngestTime <= fromUnixTimestamp64Milli({ingestEnd:Int64})`;
  const rows = await sql.query<SpanRecord>(
    `SELECT ${selectList(spanColumns)}
FROM (
  ${Number(range.recent) ? `${kept}\n  UNION ALL\n  ${recent}` : kept}
)
ORDER BY SpanId, Source
LIMIT 1 BY SpanId
LIMIT ${MAX_TRACE_SPANS}`,
    {
      traceId,
      tenant: tenantKey(tenant),
      start: range.start,
      end: range.end,
      ingestStart: range.ingestStart,
      ingestEnd: range.ingestEnd,
    },
    { maxRows: MAX_TRACE_SPANS },
  );
  return rows.sort((a, b) => compareNs(a.Timestamp, b.Timestamp) || (a.SpanId < b.SpanId ? -1 : 1));
}

function compareNs(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
