import type { LogRecord } from '@tracehouse/otlp';
import type { Sql } from '../client';
import { logColumns } from '../schema/columns';
import { logs } from '../schema/tables';
import { selectList } from './rows';

export interface LogQuery {
  traceId?: string;
  spanId?: string;
  service?: string;
  severityMin?: number;
  /** Case-insensitive substring of the body. */
  text?: string;
  /** Unix seconds, inclusive. */
  start: number;
  end: number;
  limit: number;
}

/** Log records matching every given filter, newest first. */
export async function queryLogs(sql: Sql, q: LogQuery): Promise<LogRecord[]> {
  const where = ['TimestampTime >= toDateTime({start:Int64})', 'TimestampTime <= toDateTime({end:Int64})'];
  const params: Record<string, unknown> = { start: Math.floor(q.start), end: Math.ceil(q.end), limit: q.limit };
  if (q.traceId) {
    where.push('TraceId = {traceId:String}');
    params.traceId = q.traceId;
  }
  if (q.spanId) {
    where.push('SpanId = {spanId:String}');
    params.spanId = q.spanId;
  }
  if (q.service) {
    where.push('ServiceName = {service:String}');
    params.service = q.service;
  }
  if (q.severityMin !== undefined) {
    where.push('SeverityNumber >= {severityMin:UInt8}');
    params.severityMin = q.severityMin;
  }
  if (q.text) {
    where.push('positionCaseInsensitiveUTF8(Body, {text:String}) > 0');
    params.text = q.text;
  }
  return sql.query<LogRecord>(
    `SELECT ${selectList(logColumns)}
FROM ${logs.name}
WHERE ${where.join(' AND ')}
ORDER BY TimestampTime DESC, Timestamp DESC, ObservedTimestamp DESC
LIMIT {limit:UInt32}`,
    params,
    { maxRows: q.limit },
  );
}
