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
 * (which carries `ot=th` and `sampling.adjusted_count`). The trace index narrows the recent read to the
 * ingest-time partitions that hold the trace, and the `spans` read to the trace's span-time range
 * (its day partitions and time-sorted granules) before the trace id bloom filter.
 */
const names = spanColumns.map((c) => `\`${c.name}\``).join(', ');

export async function getTrace(sql: Sql, traceId: string, tenant: string): Promise<SpanRecord[]> {
  const rows = await sql.query<SpanRecord>(
    `WITH (SELECT (min(IngestStart), max(IngestEnd), min(Start), max(End)) FROM trace_index WHERE TraceId = {traceId:String}) AS range
SELECT ${selectList(spanColumns)}
FROM (
  SELECT ${names}, 1 AS Source FROM ${spans.name}
  WHERE TraceId = {traceId:String} AND Tenant = {tenant:String} AND Timestamp >= range.3 AND Timestamp <= range.4
  UNION ALL
  SELECT ${names}, 0 AS Source FROM ${spansRecent.name}
  WHERE TraceId = {traceId:String} AND Tenant = {tenant:String} AND IngestTime >= range.1 AND IngestTime <= range.2
)
ORDER BY SpanId, Source
LIMIT 1 BY SpanId
LIMIT ${MAX_TRACE_SPANS}`,
    { traceId, tenant: tenantKey(tenant) },
    { maxRows: MAX_TRACE_SPANS },
  );
  return rows.sort((a, b) => compareNs(a.Timestamp, b.Timestamp) || (a.SpanId < b.SpanId ? -1 : 1));
}

function compareNs(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
