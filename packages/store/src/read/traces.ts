import type { SpanRecord } from '@tracehouse/otlp';
import type { Sql } from '../client';
import { spanColumns } from '../schema/columns';
import { spansRecent } from '../schema/tables';
import { selectList } from './rows';

/** A trace is cut off at this many spans so one giant trace cannot exhaust the heap. */
export const MAX_TRACE_SPANS = 100_000;

/**
 * All stored spans of one trace, ordered by start time. The trace index narrows the read
 * to the ingest-time partitions that hold the trace, so this never scans the table.
 */
export async function getTrace(sql: Sql, traceId: string): Promise<SpanRecord[]> {
  const rows = await sql.query<SpanRecord>(
    `WITH (SELECT (min(IngestStart), max(IngestEnd)) FROM trace_index WHERE TraceId = {traceId:String}) AS range
SELECT ${selectList(spanColumns)}
FROM ${spansRecent.name}
WHERE TraceId = {traceId:String} AND IngestTime >= range.1 AND IngestTime <= range.2
ORDER BY Timestamp, SpanId
LIMIT ${MAX_TRACE_SPANS}`,
    { traceId },
    { maxRows: MAX_TRACE_SPANS },
  );
  return rows;
}
