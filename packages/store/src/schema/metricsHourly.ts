/**
 * Migration 23: the OTLP metric points of every finished hour, one row per series and hour
 * (`metrics_hourly`), with the hour's point times and values as arrays. A PromQL read of a
 * day takes 24 rows per series instead of every point (5,760 at 15 s), so ClickHouse reads and
 * sends, and the reader scatters, far fewer rows (docs/promql.md, "Whole hours").
 *
 * Points can arrive late: a client's retry, a Collector's queue. A point ingested more than
 * `LATE_MS` after the end of its hour is `Late` (a column computed at insert) and is never
 * rolled up; every read takes the late points of its range from the metric tables. An hour is
 * rolled up once every point that is not late is visible (`LATE_MS` and `VISIBILITY_MS` after
 * its end), from the points that are not late: rolled up twice, an hour writes the same rows,
 * which the ReplacingMergeTree folds. So a point is read exactly once, from its hour's row or
 * as a late point, whatever the roll-up did.
 */
import { HOUR_MS } from './derivedHourly';
import { encodedValuesSql, intColumns, intsReadSql } from './hourValues';
import { metricTimeSql } from './metricsLayout';

export const METRICS_HOURLY_WATERMARK = 'metrics_hourly';

/** How late after its hour's end a point is still rolled up with the hour. */
export const LATE_MS = 5 * 60_000;

/**
 * How long after its IngestTime an insert may still become visible (IngestTime is taken when
 * the insert starts): an hour is rolled up only this long after its bound.
 */
export const VISIBILITY_MS = 60_000;

/** The end of the last hour that may be rolled up at `nowMs`. */
export const metricsRollableUntilMs = (nowMs: number) => nowMs - LATE_MS - VISIBILITY_MS;

/**
 * One metric table's scalar values per point: `Values` (the value, or the sum of a histogram or
 * summary) and `Counts` (a histogram's or summary's count), each equal to the `value` of the
 * PromQL component that reads it (prometheus/components.ts). Buckets and quantiles (one
 * sample per element) are read from the points.
 */
interface MetricHours {
  table: string;
  values: string;
  counts?: string;
  /** The table has AggregationTemporality and IsMonotonic columns (0 and false otherwise). */
  temporality: boolean;
  monotonic: boolean;
}

/** A number point's value (an int or a double in OTLP). */
export const NUMBER_VALUE_SQL = 'ifNull(toFloat64(IntValue), Value)';
const NUMBER = NUMBER_VALUE_SQL;

export const metricHours: readonly MetricHours[] = [
  { table: 'metrics_gauge', values: NUMBER, temporality: false, monotonic: false },
  { table: 'metrics_sum', values: NUMBER, temporality: true, monotonic: true },
  {
    table: 'metrics_histogram',
    values: 'ifNull(Sum, nan)',
    counts: 'toFloat64(Count)',
    temporality: true,
    monotonic: false,
  },
  {
    table: 'metrics_exp_histogram',
    values: 'ifNull(Sum, nan)',
    counts: 'toFloat64(Count)',
    temporality: true,
    monotonic: false,
  },
  { table: 'metrics_summary', values: 'Sum', counts: 'toFloat64(Count)', temporality: false, monotonic: false },
];

export const metricsHourlySql = `CREATE TABLE IF NOT EXISTS metrics_hourly (
  HourStart DateTime64(3, 'UTC'),
  Tenant LowCardinality(String),
  MetricTable LowCardinality(String),
  MetricName LowCardinality(String),
  MetricUnit LowCardinality(String),
  AggregationTemporality Int32,
  IsMonotonic Bool,
  SeriesId UInt64,
  ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  Attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  FirstTime Int64,
  Step Int64,
  Points UInt32,
  Times Array(Int64) CODEC(Delta(8), ZSTD(1)),
  \`Values\` Array(Float64) CODEC(ZSTD(1)),
  Counts Array(Float64) CODEC(ZSTD(1)),
  ValuesFloat32 Bool,
  CountsFloat32 Bool
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(HourStart)
ORDER BY (Tenant, MetricTable, MetricName, HourStart, SeriesId)`;

/** An hour's row expires with the newest points it holds (the metric tables' retention). */
export const metricsHourlyTtlSql = (seconds: number): string =>
  `ALTER TABLE metrics_hourly MODIFY TTL toDateTime(HourStart) + toIntervalSecond(${HOUR_MS / 1000 + Math.max(1, Math.round(seconds))})`;

const ms = (expr: string) => `fromUnixTimestamp64Milli(${expr})`;

/** The end of the hour a point belongs to (hours hold the times in (start, start + 1 h]), in ns. */
const hourEndNs = `intDiv(toUnixTimestamp64Nano(TimeUnix) + ${HOUR_MS * 1e6 - 1}, ${HOUR_MS * 1e6}) * ${HOUR_MS * 1e6}`;

/**
 * `Late` on every metric table: the point came too late for its hour's row (see the module
 * comment). Computed at insert, so a read finds the late points of a day in a column of one
 * byte a point (all zeros, nearly) and its minmax index, instead of comparing two times per point.
 */
export const lateColumnSql: string[] = metricHours.flatMap((m) => [
  `ALTER TABLE ${m.table} ADD COLUMN IF NOT EXISTS Late Bool MATERIALIZED toUnixTimestamp64Nano(IngestTime) > ${hourEndNs} + ${LATE_MS * 1e6}`,
  `ALTER TABLE ${m.table} ADD INDEX IF NOT EXISTS idx_late Late TYPE minmax GRANULARITY 1`,
  // Parts written before get it by a mutation (computed at read until it has run).
  `ALTER TABLE ${m.table} MATERIALIZE COLUMN Late`,
  `ALTER TABLE ${m.table} MATERIALIZE INDEX idx_late`,
]);

/**
 * Rolls up one hour of one metric table: its points with times in (hourStart, hourStart + 1 h]
 * that are not late, per tenant and series, times ascending.
 */
export function rollUpMetricsHourSql(m: MetricHours): string {
  const sorted = `arraySort(groupArray((toUnixTimestamp64Milli(TimeUnix), ${m.values}, ${m.counts ?? '0'})))`;
  // Times a step apart (a live exporter's) are kept as the first and the step: a read sends
  // and scans half the numbers. Otherwise Step is 0 and Times holds every time.
  const step = `if(length(_t) > 1 AND _t[2] > _t[1] AND arrayAll(d -> d = _t[2] - _t[1], arrayPopFront(arrayDifference(_t))),
    _t[2] - _t[1], 0)`;
  const counts = m.counts ? 'arrayMap(x -> x.3, _sorted)' : '[]::Array(Float64)';
  const stored = (column: string) => {
    const { first, ints } = intColumns(column);
    return [column, `${column}Float32`, first, ...ints];
  };
  const encoded = (values: string, v: string) => {
    const e = encodedValuesSql(values, v);
    return [e.values, e.float32, e.first, ...e.ints].join(',\n  ');
  };
  return `INSERT INTO metrics_hourly (HourStart, Tenant, MetricTable, MetricName, MetricUnit, AggregationTemporality,
  IsMonotonic, SeriesId, ResourceAttributes, Attributes, FirstTime, Step, Points, Times,
  ${[...stored('Values'), ...stored('Counts')].map((c) => `\`${c}\``).join(', ')})
SELECT ${ms('{hourStartMs:Int64}')}, Tenant, '${m.table}', MetricName, MetricUnit,
  ${m.temporality ? 'AggregationTemporality' : '0'}, ${m.monotonic ? 'IsMonotonic' : 'false'}, SeriesId,
  any(ResourceAttributes), any(Attributes), (arrayMap(x -> x.1, ${sorted} AS _sorted) AS _t)[1], ${step} AS _step,
  length(_t), if(_step > 0, [], _t),
  ${encoded('arrayMap(x -> x.2, _sorted)', '_v')},
  ${encoded(counts, '_c')}
FROM ${m.table}
WHERE ${metricTimeSql(ms('{hourStartMs:Int64}'), ms(`{hourStartMs:Int64} + ${HOUR_MS}`)).join(' AND ')}
  AND NOT Late
GROUP BY Tenant, MetricName, MetricUnit, ${m.temporality ? 'AggregationTemporality, ' : ''}${m.monotonic ? 'IsMonotonic, ' : ''}SeriesId`;
}

/**
 * What a read of one scalar component of a metric table over (start, end] reads (Int64 ms
 * expressions), with the hours rolled up until `until` (the watermark as the read found it):
 * `column` is the hourly column holding its value (`Values` or `Counts`), `where` conditions
 * on columns both tables have.
 */
export interface MetricHoursRead {
  table: string;
  column: 'Values' | 'Counts';
  /** The columns a read needs (the series' labels and id). */
  columns: readonly string[];
  start: string;
  end: string;
  until: string;
  where: readonly string[];
}

/**
 * Rows with the read's columns and the points (times ascending) of each series and hour rolled
 * up that the range touches (its points outside the range too): `_first` and `_step` (0 when
 * the times are not a step apart), `_t` the times when they are not (else empty), `_v` the
 * values, `_v32` whether they are all Float32 too, or, where `_v` is empty, `_vfirst` the first
 * value and `_i8`, `_i16` or `_i32` the differences (see INT_WIDTHS), `_n` how many are in the range.
 */
export function metricHoursSql(q: MetricHoursRead): string {
  const and = q.where.map((w) => ` AND ${w}`).join('');
  const hour = 'toUnixTimestamp64Milli(HourStart)';
  // In the range: the steps j with first + j * step in (start, end], or the times there.
  const after = (bound: string) => `if(${bound} < FirstTime, 0, intDiv(${bound} - FirstTime, Step) + 1)`;
  const inRange = `if(Step > 0, greatest(0, least(toInt64(Points), ${after(q.end)}) - ${after(q.start)}),
    toInt64(arrayCount(e -> e > ${q.start} AND e <= ${q.end}, Times)))`;
  return `(
  SELECT ${q.columns.join(', ')}, FirstTime AS _first, Step AS _step, Times AS _t, \`${q.column}\` AS _v,
    ${q.column}Float32 AS _v32, ${intsReadSql(q.column)},
    ${inRange} AS _n
  FROM metrics_hourly FINAL WHERE MetricTable = '${q.table}' AND ${hour} + ${HOUR_MS} > ${q.start}
    AND ${hour} + ${HOUR_MS} <= ${q.until} AND ${hour} < ${q.end}${and})`;
}

/**
 * The points of a metric table that no hour rolled up until `until` holds, as two conditions:
 * after the hours, or late within them (each narrows the read through its own index: the
 * primary key, the Late index).
 */
export const notRolledUpSql = (until: string): [string, string] => [
  metricTimeSql(ms(until), undefined).join(' AND '),
  `TimeUnix <= fromUnixTimestamp64Milli(${until}) AND Late`,
];
