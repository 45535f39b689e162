import type { LogRecord } from '@tracehouse/otlp';
import type { QueryLimits, Sql } from '../client';
import { logColumns } from '../schema/columns';
import { logs } from '../schema/tables';
import { Params } from '../search/params';
import { tenantKey } from '../tenant';
import { selectList } from './rows';

export interface LogQuery {
  /** Only this tenant's records. */
  tenant: string;
  traceId?: string;
  spanId?: string;
  service?: string;
  severityMin?: number;
  /**
   * Full text on the body: every word must appear in it as a whole word, case-insensitively
   * (served by the token index on lower(Body)).
   */
  text?: string;
  /**
   * Attributes that must equal the given string values: log attributes, or resource attributes
   * when the key starts with `resource.`.
   */
  attributes?: [string, string][];
  /** Attributes (keyed as in `attributes`) that must not equal the given values ("filter out"). */
  excludedAttributes?: [string, string][];
  /** Unix seconds, inclusive. */
  start: number;
  end: number;
  limit: number;
  /** From a previous page's nextCursor: continue after that record. */
  cursor?: string;
}

export interface LogPage {
  records: LogRecord[];
  /** Pass as `cursor` to read the next (older) page; null on the last page. */
  nextCursor: string | null;
}

const LIMITS: QueryLimits = { maxExecutionSeconds: 20, maxMemoryBytes: 1024 ** 3, priority: 'interactive' };

/** An invalid cursor (tampered or from another version). */
export class CursorError extends Error {}

/** Words of a full-text query, as the token index splits the body (non-alphanumeric ASCII separates). */
export function textTokens(text: string): string[] {
  return [
    ...new Set(
      text
        .toLowerCase()
        .split(/[^a-z0-9\u0080-\u{10ffff}]+/u)
        .filter(Boolean),
    ),
  ];
}

function filters(q: Omit<LogQuery, 'limit' | 'cursor'>, p: Params): string[] {
  const where = [
    `Tenant = ${p.add(tenantKey(q.tenant), 'String')}`,
    `TimestampTime >= toDateTime(${p.add(Math.floor(q.start), 'Int64')})`,
    `TimestampTime <= toDateTime(${p.add(Math.ceil(q.end), 'Int64')})`,
  ];
  if (q.traceId) where.push(`TraceId = ${p.add(q.traceId, 'String')}`);
  if (q.spanId) where.push(`SpanId = ${p.add(q.spanId, 'String')}`);
  if (q.service) where.push(`ServiceName = ${p.add(q.service, 'String')}`);
  if (q.severityMin !== undefined) where.push(`SeverityNumber >= ${p.add(q.severityMin, 'UInt32')}`);
  if (q.text) {
    for (const t of textTokens(q.text)) where.push(`hasToken(lower(Body), ${p.add(t, 'String')})`);
  }
  for (const [k, v] of q.attributes ?? []) where.push(`${attributeRef(k, p)} = ${p.add(v, 'String')}`);
  for (const [k, v] of q.excludedAttributes ?? []) where.push(`${attributeRef(k, p)} != ${p.add(v, 'String')}`);
  return where;
}

const RESOURCE_PREFIX = 'resource.';

/** `resource.<key>` reads the resource attributes, any other key the log attributes. */
function attributeRef(key: string, p: Params): string {
  return key.startsWith(RESOURCE_PREFIX)
    ? `ResourceAttributes[${p.add(key.slice(RESOURCE_PREFIX.length), 'String')}]`
    : `LogAttributes[${p.add(key, 'String')}]`;
}

const ORDER_DESC = 'ORDER BY TimestampTime DESC, Timestamp DESC, ObservedTimestamp DESC';
const POSITION =
  'toUnixTimestamp(TimestampTime), toUnixTimestamp64Nano(Timestamp), toUnixTimestamp64Nano(ObservedTimestamp)';

function encodeCursor(position: [number, string, string]): string {
  return Buffer.from(position.join(':')).toString('base64url');
}

function decodeCursor(cursor: string): [number, string, string] {
  const parts = Buffer.from(cursor, 'base64url').toString().split(':');
  if (parts.length !== 3 || !parts.every((x) => /^\d+$/.test(x))) throw new CursorError('invalid cursor');
  return [Number(parts[0]), parts[1]!, parts[2]!];
}

/** A cursor that continues with the records timed strictly before `timeUnixNano`. */
export function logCursorBefore(timeUnixNano: string): string {
  return encodeCursor([Number(BigInt(timeUnixNano) / 1_000_000_000n), timeUnixNano, '0']);
}

type PositionedRecord = LogRecord & { __pos: [number | string, string, string] };

/** One page of log records matching every filter, newest first. */
export async function queryLogsPage(sql: Sql, q: LogQuery): Promise<LogPage> {
  const p = new Params();
  const where = filters(q, p);
  if (q.cursor) {
    const [t, ts, obs] = decodeCursor(q.cursor);
    where.push(`TimestampTime <= toDateTime(${p.add(t, 'Int64')})`);
    where.push(`(${POSITION}) < (${p.add(t, 'Int64')}, ${p.add(ts, 'Int64')}, ${p.add(obs, 'Int64')})`);
  }
  const rows = await sql.query<PositionedRecord>(
    `SELECT ${selectList(logColumns)}, [toString(toUnixTimestamp(TimestampTime)), toString(toUnixTimestamp64Nano(Timestamp)), toString(toUnixTimestamp64Nano(ObservedTimestamp))] AS __pos
FROM ${logs.name}
WHERE ${where.join(' AND ')}
${ORDER_DESC}
LIMIT ${p.add(q.limit + 1, 'UInt32')}`,
    p.values,
    { ...LIMITS, maxRows: q.limit + 1 },
  );
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const nextCursor = more && last ? encodeCursor([Number(last.__pos[0]), last.__pos[1], last.__pos[2]]) : null;
  for (const r of page) delete (r as Partial<PositionedRecord>).__pos;
  return { records: page, nextCursor };
}

/** Log records matching every given filter, newest first. */
export async function queryLogs(sql: Sql, q: LogQuery): Promise<LogRecord[]> {
  return (await queryLogsPage(sql, q)).records;
}

export interface LogBucket {
  /** Bucket start, Unix seconds. */
  t: number;
  trace: number;
  debug: number;
  info: number;
  warn: number;
  error: number;
  fatal: number;
}

/**
 * Counts per time bucket and severity band (OTel severity numbers 1-4 trace ... 21-24 fatal;
 * an unspecified severity counts as info). Every bucket of the range is present.
 */
export async function logHistogram(
  sql: Sql,
  q: Omit<LogQuery, 'limit' | 'cursor'> & { step: number },
): Promise<LogBucket[]> {
  const p = new Params();
  const step = p.add(q.step, 'UInt32');
  const rows = await sql.query<Record<keyof LogBucket, string | number>>(
    `SELECT toUnixTimestamp(toStartOfInterval(TimestampTime, toIntervalSecond(${step}))) AS t,
  countIf(SeverityNumber BETWEEN 1 AND 4) AS trace,
  countIf(SeverityNumber BETWEEN 5 AND 8) AS debug,
  countIf(SeverityNumber = 0 OR SeverityNumber BETWEEN 9 AND 12) AS info,
  countIf(SeverityNumber BETWEEN 13 AND 16) AS warn,
  countIf(SeverityNumber BETWEEN 17 AND 20) AS error,
  countIf(SeverityNumber >= 21) AS fatal
FROM ${logs.name}
WHERE ${filters(q, p).join(' AND ')}
GROUP BY t
ORDER BY t`,
    p.values,
    { ...LIMITS, maxRows: 100_000 },
  );
  const byT = new Map(rows.map((r) => [Number(r.t), r]));
  const out: LogBucket[] = [];
  const first = Math.floor(q.start / q.step) * q.step;
  for (let t = first; t <= q.end; t += q.step) {
    const r = byT.get(t);
    out.push({
      t,
      trace: Number(r?.trace ?? 0),
      debug: Number(r?.debug ?? 0),
      info: Number(r?.info ?? 0),
      warn: Number(r?.warn ?? 0),
      error: Number(r?.error ?? 0),
      fatal: Number(r?.fatal ?? 0),
    });
  }
  return out;
}

/**
 * The records of one service around an instant, oldest first: up to `before` earlier ones,
 * then the records at the instant and up to `after` later ones. `anchorIndex` is the index
 * of the first record at the instant (or where it would be). Reads a day either side.
 */
export async function logContext(
  sql: Sql,
  q: { tenant: string; service: string; timeUnixNano: string; before: number; after: number },
): Promise<{ records: LogRecord[]; anchorIndex: number }> {
  const side = async (older: boolean, limit: number) => {
    const p = new Params();
    const ns = p.add(q.timeUnixNano, 'Int64');
    const sec = `intDiv(${ns}, 1000000000)`;
    return sql.query<LogRecord>(
      `SELECT ${selectList(logColumns)}
FROM ${logs.name}
WHERE ServiceName = ${p.add(q.service, 'String')}
  AND Tenant = ${p.add(tenantKey(q.tenant), 'String')}
  AND TimestampTime ${older ? `<= toDateTime(${sec})` : `>= toDateTime(${sec})`}
  AND TimestampTime ${older ? `>= toDateTime(${sec} - 86400)` : `<= toDateTime(${sec} + 86400)`}
  AND toUnixTimestamp64Nano(if(Timestamp = 0, ObservedTimestamp, Timestamp)) ${older ? '<' : '>='} ${ns}
ORDER BY TimestampTime ${older ? 'DESC' : 'ASC'}, Timestamp ${older ? 'DESC' : 'ASC'}, ObservedTimestamp ${older ? 'DESC' : 'ASC'}
LIMIT ${p.add(limit, 'UInt32')}`,
      p.values,
      { ...LIMITS, maxRows: limit },
    );
  };
  const [older, newer] = await Promise.all([side(true, q.before), side(false, q.after + 1)]);
  return { records: [...older.reverse(), ...newer], anchorIndex: older.length };
}
