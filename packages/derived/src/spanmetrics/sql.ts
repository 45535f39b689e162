import { droppedTraces, keptSpanSql, type SamplingPolicyOptions } from '@tracehouse/sampling';
import { hoursSummedParams, intervalsBeforeSql, type Sql, type Store, tenantKey } from '@tracehouse/store';
import {
  defined,
  EXEMPLAR_SELECT,
  type ExemplarCells,
  exemplarColumns,
  exemplarsOf,
  insertObjects,
  type StoredExemplar,
} from '../rows';

/** Which spans an exemplar may come from: those whose trace the sampler will keep. */
export type KeepRule = Pick<SamplingPolicyOptions, 'latencyThresholdMs' | 'baselinePercent'>;

export interface SpanMetricCellQuery {
  /** Aligned ingest-time range [fromMs, toMs), a whole number of intervals. */
  fromMs: number;
  toMs: number;
  intervalMs: number;
  /** Attribute keys of the extra dimensions, looked up in resource then span attributes. */
  dimensions: readonly string[];
  /** Upper bucket bounds in ns, ascending (inclusive). */
  boundsNs: readonly number[];
  keep: KeepRule;
}

/** One (interval, label set, bucket) of the span metrics, as the SQL aggregates it. */
export interface SpanMetricCell {
  /** The tenant's stored key ('' = the default tenant). */
  tenant: string;
  windowStartMs: number;
  service: string;
  spanName: string;
  spanKind: string;
  statusCode: string;
  dimensions: string[];
  /** Non-cumulative bucket index; bounds.length is +Inf. */
  bucket: number;
  calls: number;
  durationNsSum: number;
  /** The latest span of the cell whose trace will be kept, if any. */
  exemplar: { traceId: string; spanId: string; durationNs: number; endUnixNano: string } | null;
}

const MAX_CELLS = 500_000;

/**
 * Counts every span that arrived in the range, per interval, label set and latency bucket,
 * inside the database: only the aggregate crosses into Node. Spans are placed by ingest
 * time, the one clock that only moves forward, so no span is missed or counted twice
 * however late or skewed its own timestamps are.
 */
export async function spanMetricCells(sql: Sql, q: SpanMetricCellQuery): Promise<SpanMetricCell[]> {
  const params: Record<string, unknown> = {
    fromMs: q.fromMs,
    toMs: q.toMs,
    intervalMs: q.intervalMs,
  };
  const kept = keptSpanSql(q.keep);
  Object.assign(params, kept.params);
  const dims = q.dimensions.map((d, i) => {
    params[`dim${i}`] = d;
    return `if(mapContains(ResourceAttributes, {dim${i}:String}), ResourceAttributes[{dim${i}:String}], SpanAttributes[{dim${i}:String}])`;
  });
  const bounds = q.boundsNs.map((b) => String(Math.round(b))).join(', ');
  const rows = await sql.query<Record<string, unknown>>(
    `WITH ${kept.sql} AS kept
SELECT
  intDiv(toUnixTimestamp64Milli(IngestTime), {intervalMs:Int64}) * {intervalMs:Int64} AS windowStartMs,
  Tenant AS tenant, ServiceName AS service, SpanName AS spanName, SpanKind AS spanKind, StatusCode AS statusCode,
  ${dims.length ? `[${dims.join(', ')}]` : 'CAST([] AS Array(String))'} AS dimensions,
  arrayFirstIndex(b -> greatest(Duration, 0) <= b, [${bounds}]) AS bucketIndex,
  count() AS calls,
  sum(greatest(Duration, 0)) AS durationNsSum,
  countIf(kept) AS keptCount,
  argMaxIf(tuple(TraceId, SpanId, greatest(Duration, 0),
      toString(toUnixTimestamp64Nano(Timestamp) + greatest(Duration, 0))), tuple(Timestamp, SpanId), kept) AS exemplar
FROM spans_recent
WHERE IngestTime >= fromUnixTimestamp64Milli({fromMs:Int64}) AND IngestTime < fromUnixTimestamp64Milli({toMs:Int64})
GROUP BY windowStartMs, tenant, service, spanName, spanKind, statusCode, dimensions, bucketIndex
LIMIT ${MAX_CELLS}`,
    params,
    { maxRows: MAX_CELLS },
  );
  return rows.map((r) => {
    const idx = Number(r.bucketIndex);
    const ex = r.exemplar as [string, string, number | string, string];
    return {
      tenant: String(r.tenant),
      windowStartMs: Number(r.windowStartMs),
      service: String(r.service),
      spanName: String(r.spanName),
      spanKind: String(r.spanKind),
      statusCode: String(r.statusCode),
      dimensions: r.dimensions as string[],
      bucket: idx === 0 ? q.boundsNs.length : idx - 1,
      calls: Number(r.calls),
      durationNsSum: Number(r.durationNsSum),
      exemplar:
        Number(r.keptCount) > 0
          ? { traceId: ex[0], spanId: ex[1], durationNs: Number(ex[2]), endUnixNano: ex[3] }
          : null,
    };
  });
}

/** One series' delta over one interval, as stored in `span_metrics`. */
export interface SpanMetricRow {
  /** The tenant's stored key ('' = the default tenant). */
  tenant: string;
  windowStartMs: number;
  windowEndMs: number;
  seriesKey: string;
  service: string;
  spanName: string;
  spanKind: string;
  statusCode: string;
  /** Label name -> value of the extra dimensions. */
  dimensions: Record<string, string>;
  overflow: boolean;
  calls: number;
  latencySum: number;
  latencyBuckets: number[];
  exemplars: StoredExemplar[];
}

export async function insertSpanMetrics(sql: Sql, rows: readonly SpanMetricRow[]): Promise<void> {
  await insertObjects(
    sql,
    'span_metrics',
    rows.map((r) => ({
      Tenant: r.tenant,
      WindowStart: r.windowStartMs,
      WindowEnd: r.windowEndMs,
      SeriesKey: r.seriesKey,
      ServiceName: r.service,
      SpanName: r.spanName,
      SpanKind: r.spanKind,
      StatusCode: r.statusCode,
      Dimensions: r.dimensions,
      Overflow: r.overflow,
      Calls: r.calls,
      LatencySum: r.latencySum,
      LatencyBuckets: r.latencyBuckets,
      ...exemplarColumns(r.exemplars),
    })),
  );
}

const SERIES_TOTALS_LIMIT = 200_000;

/**
 * Each series' totals over the stored intervals that start before `beforeMs` (the
 * watermark: later rows belong to an interval that will be re-run), to restore the
 * cumulative counters of /metrics at start.
 */
export async function spanMetricTotals(
  sql: Sql,
  beforeMs: number,
): Promise<(Omit<SpanMetricRow, 'windowStartMs' | 'windowEndMs' | 'exemplars'> & { lastWindowEndMs: number })[]> {
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT SeriesKey, any(Tenant) AS tenant, any(ServiceName) AS service, any(SpanName) AS spanName, any(SpanKind) AS spanKind,
  any(StatusCode) AS statusCode, any(Dimensions) AS dimensions, any(Overflow) AS overflow,
  sum(Calls) AS calls, sum(LatencySum) AS latencySum, sumForEach(LatencyBuckets) AS latencyBuckets,
  toUnixTimestamp64Milli(max(WindowEnd)) AS lastWindowEndMs
FROM ${intervalsBeforeSql('span_metrics', '{beforeMs:Int64}')}
GROUP BY SeriesKey
LIMIT ${SERIES_TOTALS_LIMIT}`,
    { beforeMs, ...hoursSummedParams },
    { maxRows: SERIES_TOTALS_LIMIT },
  );
  return rows.map((r) => ({
    seriesKey: String(r.SeriesKey),
    tenant: String(r.tenant),
    service: String(r.service),
    spanName: String(r.spanName),
    spanKind: String(r.spanKind),
    statusCode: String(r.statusCode),
    dimensions: r.dimensions as Record<string, string>,
    overflow: Boolean(r.overflow),
    calls: Number(r.calls),
    latencySum: Number(r.latencySum),
    latencyBuckets: (r.latencyBuckets as unknown[]).map(Number),
    lastWindowEndMs: Number(r.lastWindowEndMs),
  }));
}

/** The oldest ingest time still in spans_recent (where a first run starts), or null. */
export async function oldestIngestMs(sql: Sql): Promise<number | null> {
  const rows = await sql.query<{ ms: number | string }>(
    'SELECT toUnixTimestamp64Milli(min(IngestTime)) AS ms FROM spans_recent HAVING count() > 0',
  );
  return rows.length ? Number(rows[0]!.ms) : null;
}

export interface RedQuery {
  tenant: string;
  /** A multiple of stepMs: steps are aligned to the epoch, not to the query. */
  startMs: number;
  endMs: number;
  stepMs: number;
  bySpanName: boolean;
  /** Stored span kinds ('Server', ...); empty = all. */
  spanKinds: readonly string[];
  service?: string;
  spanName?: string;
}

export interface RedCell {
  t: number;
  service: string;
  spanName: string | null;
  calls: number;
  errors: number;
  latencyBuckets: number[];
}

const RED_LIMIT = 100_000;

/** Calls, errors and latency buckets per step and series, from the stored intervals. */
export async function queryRed(sql: Sql, q: RedQuery): Promise<RedCell[]> {
  const where = [
    'Tenant = {tenant:String}',
    'WindowStart >= fromUnixTimestamp64Milli({startMs:Int64})',
    'WindowStart < fromUnixTimestamp64Milli({endMs:Int64})',
    'NOT Overflow',
  ];
  if (q.spanKinds.length) where.push('SpanKind IN {kinds:Array(String)}');
  if (q.service !== undefined) where.push('ServiceName = {service:String}');
  if (q.spanName !== undefined) where.push('SpanName = {spanName:String}');
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT intDiv(toUnixTimestamp64Milli(WindowStart), {stepMs:Int64}) * {stepMs:Int64} AS t,
  ServiceName AS service, ${q.bySpanName ? 'SpanName' : "''"} AS name,
  sum(Calls) AS calls, sumIf(Calls, StatusCode = 'Error') AS errors, sumForEach(LatencyBuckets) AS buckets
FROM span_metrics FINAL
WHERE ${where.join(' AND ')}
GROUP BY t, service, name
ORDER BY service, name, t
LIMIT ${RED_LIMIT}`,
    defined({
      tenant: tenantKey(q.tenant),
      startMs: q.startMs,
      endMs: q.endMs,
      stepMs: q.stepMs,
      kinds: q.spanKinds,
      service: q.service,
      spanName: q.spanName,
    }),
    { maxRows: RED_LIMIT },
  );
  return rows.map((r) => ({
    t: Number(r.t),
    service: String(r.service),
    spanName: q.bySpanName ? String(r.name) : null,
    calls: Number(r.calls),
    errors: Number(r.errors),
    latencyBuckets: (r.buckets as unknown[]).map(Number),
  }));
}

export interface StoredSpanExemplar extends StoredExemplar {
  service: string;
  spanName: string;
  statusCode: string;
}

/** Exemplars of the stored intervals in a range, newest first. */
export async function queryRedExemplars(
  store: Store,
  q: { tenant: string; startMs: number; endMs: number; service?: string; spanName?: string; limit: number },
): Promise<StoredSpanExemplar[]> {
  const { sql } = store;
  const where = [
    'Tenant = {tenant:String}',
    'WindowStart >= fromUnixTimestamp64Milli({startMs:Int64})',
    'WindowStart < fromUnixTimestamp64Milli({endMs:Int64})',
    'NOT Overflow',
    'length(`Exemplars.TraceId`) > 0',
  ];
  if (q.service !== undefined) where.push('ServiceName = {service:String}');
  if (q.spanName !== undefined) where.push('SpanName = {spanName:String}');
  const rows = await sql.query<Record<string, unknown> & ExemplarCells>(
    `SELECT ServiceName AS service, SpanName AS spanName, StatusCode AS statusCode, ${EXEMPLAR_SELECT}
FROM span_metrics FINAL
WHERE ${where.join(' AND ')}
ORDER BY WindowStart DESC
LIMIT {limit:UInt32}`,
    defined({ ...q, tenant: tenantKey(q.tenant) }),
    { maxRows: q.limit },
  );
  const out: StoredSpanExemplar[] = [];
  for (const r of rows)
    for (const e of exemplarsOf(r))
      out.push({ ...e, service: String(r.service), spanName: String(r.spanName), statusCode: String(r.statusCode) });
  // Sampling rules beyond the defaults can drop a trace the exemplar rule expected to keep:
  // once such a decision is recorded, its exemplars are no longer offered.
  const dropped = await droppedTraces(
    store,
    out.map((e) => e.traceId),
  );
  return out
    .filter((e) => !dropped.has(e.traceId))
    .sort((a, b) => (BigInt(b.timeUnixNano) > BigInt(a.timeUnixNano) ? 1 : -1))
    .slice(0, q.limit);
}
