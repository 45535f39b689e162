import type { Sql } from '../client';
import { decodedValuesSql, encodedValuesSql, float32Sql, intColumns, intColumnsSql, intsReadSql } from './hourValues';

/**
 * Migration 21: the derived metrics summed per series and hour. A PromQL read of a derived
 * counter needs its value at the start of the range: everything the series counted before.
 * Summing the per-interval rows of the whole retention (30 days by default: ~70 million rows
 * at the bench's 400 series) at every query cost more the older the store; with the hours
 * before the range summed once, a read sums at most an hour of intervals plus a row per hour.
 *
 * An hour is rolled up once every interval of it is computed (the derived processors never
 * write behind their watermark), from the FINAL rows, so an hour rolled up twice (a crash
 * before its watermark moved) writes the same rows again and the ReplacingMergeTree folds
 * them. The rows keep the source's columns, so a read takes values from either table with
 * the same expressions; `FirstWindowEnd` and `Interval` carry what an hour's row would
 * otherwise lose (the series' first interval, and the interval length).
 */
export const DERIVED_HOURLY_WATERMARK = 'derived_hourly.intervals';

export const HOUR_MS = 3_600_000;

/**
 * The longest interval of the derived metrics (`derived.interval` is refused past it): a row
 * ending after t started after t minus this, which lets reads by WindowEnd skip partitions and
 * granules through WindowStart, the tables' sort key.
 */
export const MAX_INTERVAL_MS = HOUR_MS;

export interface HourlyRollup {
  /** The per-interval table and its hourly sums. */
  source: string;
  table: string;
  /** Columns that identify a series (with Tenant); the other columns are summed or kept. */
  key: string[];
  /** Columns kept as they are (any row's value: the series' key determines them). */
  kept: string[];
  /** Counters summed, and bucket arrays summed element by element. */
  sums: string[];
  arrays: string[];
  /**
   * The hour's intervals kept in its row as well (migration 22): `IntervalEnds` (WindowEnd, ms,
   * ascending) and, per name here, the value of each interval (SQL over one interval's columns,
   * equal to the value of the PromQL component that reads it: prometheus/components.ts). A
   * PromQL read takes the samples of whole hours from one row per series and hour.
   */
  intervals: Record<string, string>;
  /** A stored id of the series in both tables (migration 22), read with the rows. */
  seriesId?: string;
}

export const hourlyRollups: readonly HourlyRollup[] = [
  {
    source: 'span_metrics',
    table: 'span_metrics_hourly',
    key: ['SeriesKey', 'ServiceName', 'SpanName', 'SpanKind', 'StatusCode', 'Overflow'],
    kept: ['Dimensions'],
    seriesId: 'SeriesId',
    sums: ['Calls', 'LatencySum'],
    arrays: ['LatencyBuckets'],
    intervals: {
      IntervalCalls: 'toFloat64(Calls)',
      IntervalLatencySum: 'LatencySum',
      IntervalLatencyCount: 'toFloat64(arraySum(LatencyBuckets))',
    },
  },
  {
    source: 'service_graph_edges',
    table: 'service_graph_edges_hourly',
    key: ['Client', 'Server', 'ConnectionType', 'Overflow'],
    kept: ['VirtualNode'],
    sums: ['Requests', 'Failed', 'ServerLatencySum', 'ClientLatencySum'],
    arrays: ['ServerLatencyBuckets', 'ClientLatencyBuckets'],
    intervals: {
      IntervalRequests: 'toFloat64(Requests)',
      IntervalFailed: 'toFloat64(Failed)',
      IntervalServerLatencySum: 'ServerLatencySum',
      IntervalServerLatencyCount: 'toFloat64(arraySum(ServerLatencyBuckets))',
      IntervalClientLatencySum: 'ClientLatencySum',
      IntervalClientLatencyCount: 'toFloat64(arraySum(ClientLatencyBuckets))',
    },
  },
];

/** The columns a read of a rolled-up table may use (the series' labels and values, and times). */
export const rollupColumns = (r: HourlyRollup): string[] => [
  'WindowStart',
  'WindowEnd',
  'Tenant',
  ...r.key,
  ...r.kept,
  ...r.sums,
  ...r.arrays,
];

/** Creates the hourly tables with the source's column types (no exemplars: reads of the past take none). */
export async function createHourlyRollups(sql: Sql): Promise<void> {
  for (const r of hourlyRollups) {
    const types = await sql.query<{ name: string; type: string }>(
      'SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = {table:String}',
      { table: r.source },
    );
    const typeOf = new Map(types.map((c) => [c.name, c.type]));
    const columns = rollupColumns(r).map((c) => `${c} ${typeOf.get(c)}`);
    await sql.command(`CREATE TABLE IF NOT EXISTS ${r.table} (
  HourStart DateTime64(3, 'UTC'),
  ${columns.join(',\n  ')},
  FirstWindowEnd DateTime64(3),
  Interval Int64
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(HourStart)
ORDER BY (Tenant, HourStart, ${r.key.join(', ')})`);
  }
}

/**
 * Migration 22: each hour's row keeps the hour's intervals too (HourlyRollup.intervals). Rows
 * summed before it have none, so the watermark has a new name (DERIVED_HOURLY_WATERMARK, was
 * `derived_hourly`): the roll-up sums every hour again from the oldest interval (a few minutes
 * for 30 days, six hours a tick), and until it has, reads take those hours from the intervals.
 * The span metrics also get their series' id as a column, as the OTLP metric tables have
 * (seriesId.ts): hashing the long `SeriesKey` of each row read was most of a read of the
 * intervals after the hours summed (25 of 42 ms for 46 minutes of the bench's 400 series).
 */
export async function addHourlyIntervals(sql: Sql): Promise<void> {
  for (const r of hourlyRollups) {
    const columns = [
      'IntervalEnds Array(Int64) CODEC(Delta(8), ZSTD(1))',
      ...Object.keys(r.intervals).map((c) => `${c} Array(Float64) CODEC(ZSTD(1))`),
    ];
    for (const c of columns) await sql.command(`ALTER TABLE ${r.table} ADD COLUMN IF NOT EXISTS ${c}`);
  }
  for (const table of ['span_metrics', 'span_metrics_hourly']) {
    await sql.command(
      `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS SeriesId UInt64 MATERIALIZED cityHash64(SeriesKey)`,
    );
    // Parts written before get it by a mutation (hashed at read until it has run).
    await sql.command(`ALTER TABLE ${table} MATERIALIZE COLUMN SeriesId`);
  }
}

/**
 * Migration 24: each hour's interval values kept as integers where they are (hourValues.ts);
 * hours summed before keep them in the Float64 columns, which reads still take.
 */
export async function addHourlyInts(sql: Sql): Promise<void> {
  for (const r of hourlyRollups)
    for (const column of Object.keys(r.intervals))
      for (const c of intColumnsSql(column)) await sql.command(`ALTER TABLE ${r.table} ADD COLUMN IF NOT EXISTS ${c}`);
}

/**
 * Migration 25: each hour's row keeps the step between its interval ends (0 where they are not
 * a step apart), worked out once by the roll-up: reads worked it out for every row, a third of
 * the statement that reads a day's hours. Hours summed before read -1 and are worked out as before.
 */
export async function addHourlyStep(sql: Sql): Promise<void> {
  for (const r of hourlyRollups)
    await sql.command(`ALTER TABLE ${r.table} ADD COLUMN IF NOT EXISTS IntervalStep Int64 DEFAULT -1`);
}

/** SQL of the step between the ascending ends `e` (an Array(Int64) expression), or 0 where they are not a step apart. */
const stepSql = (e: string) =>
  `if(length(${e}) > 1 AND ${e}[2] > ${e}[1] AND arrayAll(d -> d = ${e}[2] - ${e}[1], arrayPopFront(arrayDifference(${e}))),
      ${e}[2] - ${e}[1], 0)`;

/**
 * Sums one hour of a table's intervals (rows whose WindowEnd is in (hourStart, hourStart +
 * 1 h]) into its hourly table: one row per tenant and series.
 */
export function rollUpHourSql(r: HourlyRollup): string {
  const columns = rollupColumns(r);
  const select = columns.map((c) => {
    if (c === 'WindowStart') return 'min(WindowStart)';
    if (c === 'WindowEnd') return 'max(WindowEnd)';
    if (r.sums.includes(c)) return `sum(${c})`;
    if (r.arrays.includes(c)) return `sumForEach(${c})`;
    if (r.kept.includes(c)) return `any(${c})`;
    return c;
  });
  // The intervals in WindowEnd order: one sort of (end, values...) tuples, then a column each,
  // the values as Float64 or as integers (hourValues.ts: migration 24).
  const sorted = `arraySort(groupArray((toUnixTimestamp64Milli(WindowEnd), ${Object.values(r.intervals).join(', ')})))`;
  const intervals = ['IntervalEnds', 'IntervalStep'];
  const unzipped = [`arrayMap(x -> x.1, ${sorted} AS _sorted) AS _ends`, stepSql('_ends')];
  Object.keys(r.intervals).forEach((column, i) => {
    const { first, ints } = intColumns(column);
    const e = encodedValuesSql(`arrayMap(x -> x.${i + 2}, _sorted)`, `_v${i}`);
    intervals.push(column, first, ...ints);
    unzipped.push(e.values, e.first, ...e.ints);
  });
  return `INSERT INTO ${r.table} (HourStart, ${columns.join(', ')}, FirstWindowEnd, Interval, ${intervals.join(', ')})
SELECT fromUnixTimestamp64Milli({hourStartMs:Int64}, 'UTC'), ${select.join(', ')}, min(WindowEnd),
  max(toUnixTimestamp64Milli(WindowEnd) - toUnixTimestamp64Milli(WindowStart)),
  ${unzipped.join(',\n  ')}
FROM ${r.source} FINAL
WHERE WindowEnd > fromUnixTimestamp64Milli({hourStartMs:Int64})
  AND WindowEnd <= fromUnixTimestamp64Milli({hourStartMs:Int64} + ${HOUR_MS})
  AND WindowStart > fromUnixTimestamp64Milli({hourStartMs:Int64} - ${MAX_INTERVAL_MS})
  AND WindowStart < fromUnixTimestamp64Milli({hourStartMs:Int64} + ${HOUR_MS})
GROUP BY Tenant, ${r.key.join(', ')}`;
}

const rollupOf = (source: string) => hourlyRollups.find((x) => x.source === source)!;

/** The roll-up's watermark (Unix ms; 0 before the first hour), read from processor_state. */
const watermarkSql =
  '(SELECT toUnixTimestamp64Milli(max(Watermark)) FROM processor_state WHERE Name = {hourlyWatermark:String})';

/**
 * SQL of where the hours summed end for a read up to `bound` (an Int64 ms expression): the
 * roll-up's watermark (bound as `{hourlyWatermark:String}`), never past the hour holding the
 * bound. A read takes the hours before it from the hourly table and the rest from the intervals.
 */
export const hoursSummedSql = (bound: string) => `least(${watermarkSql},
    intDiv(${bound}, ${HOUR_MS}) * ${HOUR_MS})`;

/** The parameter hoursSummedSql reads. */
export const hoursSummedParams = { hourlyWatermark: DERIVED_HOURLY_WATERMARK };

/**
 * A derived table's rows for sums over a series' history: the hours summed up to the hour
 * holding `summedBound` (an Int64 ms expression; see hoursSummedSql), then the intervals after
 * them, each side filtered by `where` (conditions on the source's columns). The rows have the
 * rollup's columns (rollupColumns), over which sum, sumForEach, any and max(WindowEnd) equal
 * those over the intervals, and `FirstWindowEnd` and `Interval` (an interval's own WindowEnd
 * and length). Needs hoursSummedParams.
 */
export function hoursThenIntervalsSql(source: string, summedBound: string, where: readonly string[]): string {
  const r = rollupOf(source);
  const list = [...rollupColumns(r), ...(r.seriesId ? [r.seriesId] : [])].join(', ');
  const summed = hoursSummedSql(summedBound);
  const and = where.map((w) => ` AND ${w}`).join('');
  return `(
  SELECT ${list}, FirstWindowEnd, Interval FROM ${r.table} FINAL
  WHERE toUnixTimestamp64Milli(HourStart) + ${HOUR_MS} <= ${summed}${and}
  UNION ALL
  SELECT ${list}, WindowEnd, toUnixTimestamp64Milli(WindowEnd) - toUnixTimestamp64Milli(WindowStart) FROM ${r.source} FINAL
  WHERE WindowEnd > fromUnixTimestamp64Milli(${summed})
    AND WindowStart > fromUnixTimestamp64Milli(${summed} - ${MAX_INTERVAL_MS})${and})`;
}

/** A derived table's rows whose interval started before `bound` (an Int64 ms expression): see hoursThenIntervalsSql. */
export const intervalsBeforeSql = (source: string, bound: string): string =>
  hoursThenIntervalsSql(source, bound, [`WindowStart < fromUnixTimestamp64Milli(${bound})`]);

/**
 * What a read of one value of a derived table over (start, end] reads (Int64 ms expressions),
 * with the hours rolled up until `until` (the watermark as the read found it): `value` is its
 * SQL over an interval's columns (or an hour's sums), `intervals` the hourly column holding it
 * per interval (HourlyRollup.intervals); `where` filters either table's rows.
 */
export interface IntervalRead {
  source: string;
  /** The columns a read needs of either table (the series' labels and id). */
  columns: readonly string[];
  value: string;
  intervals: string;
  start: string;
  end: string;
  until: string;
  where: readonly string[];
}

const hourMs = 'toUnixTimestamp64Milli(HourStart)';
const ms = (column: string) => `toUnixTimestamp64Milli(${column})`;

/** The intervals after the hours rolled up (and after `from`, an Int64 ms expression), up to the read's end. */
export const afterHoursSql = (q: Pick<IntervalRead, 'end'>, from: string) =>
  `WindowEnd > fromUnixTimestamp64Milli(${from}) AND WindowStart > fromUnixTimestamp64Milli(${from} - ${MAX_INTERVAL_MS})
    AND WindowEnd <= fromUnixTimestamp64Milli(${q.end}) AND WindowStart < fromUnixTimestamp64Milli(${q.end})`;

/**
 * A series' history and values over the range, for the sums a read starts from: rows with the
 * read's columns, `_n` the intervals in (start, end], `_b` the sum of the values up to start,
 * `_lb` the last interval end up to it (0: none), the first interval's start and end (`_s`,
 * `_fe`) and the interval length (`_st`). The hours rolled up before the hour holding `start`
 * come as their sums; that hour with its intervals; the later hours rolled up with their count
 * of intervals (all in the range, but for the hour holding `end`), read from the arrays' sizes
 * alone: reading every interval of a day's hours was a third of the statement.
 */
export function hoursWithIntervalsSql(q: IntervalRead): string {
  const r = rollupOf(q.source);
  const keys = q.columns.join(', ');
  const and = q.where.map((w) => ` AND ${w}`).join('');
  const startHour = `intDiv(${q.start}, ${HOUR_MS}) * ${HOUR_MS}`;
  const hourEnd = `${hourMs} + ${HOUR_MS}`;
  const tail = `${ms('WindowStart')}, ${ms('FirstWindowEnd')}, Interval`;
  const rolled = `FROM ${r.table} FINAL WHERE ${hourEnd} <= ${q.until}`;
  const inRange = (e: string) => `${e} > ${q.start} AND ${e} <= ${q.end}`;
  return `(
  SELECT ${keys}, toUInt64(0) AS _n, toFloat64(${q.value}) AS _b, ${ms('WindowEnd')} AS _lb, ${ms('WindowStart')} AS _s,
    ${ms('FirstWindowEnd')} AS _fe, Interval AS _st
  FROM ${r.table} FINAL WHERE ${hourEnd} <= least(${q.until}, ${startHour})${and}
  UNION ALL
  SELECT ${keys}, arrayCount(e -> ${inRange('e')}, IntervalEnds),
    arraySum((e, v) -> if(e <= ${q.start}, v, 0), IntervalEnds, ${decodedValuesSql(q.intervals)}),
    arrayMax(e -> if(e <= ${q.start}, e, 0), IntervalEnds), ${tail}
  ${rolled} AND ${hourMs} = ${startHour} AND ${hourMs} < ${q.end}${and}
  UNION ALL
  SELECT ${keys}, IntervalEnds.size0, 0, 0, ${tail}
  ${rolled} AND ${hourMs} > ${startHour} AND ${hourEnd} <= ${q.end}${and}
  UNION ALL
  SELECT ${keys}, arrayCount(e -> e <= ${q.end}, IntervalEnds), 0, 0, ${tail}
  ${rolled} AND ${hourMs} > ${startHour} AND ${hourMs} < ${q.end} AND ${hourEnd} > ${q.end}${and}
  UNION ALL
  SELECT ${keys}, toUInt64(${inRange(ms('WindowEnd'))}), if(${ms('WindowEnd')} <= ${q.start}, toFloat64(${q.value}), 0),
    if(${ms('WindowEnd')} <= ${q.start}, ${ms('WindowEnd')}, 0), ${ms('WindowStart')}, ${ms('WindowEnd')},
    ${ms('WindowEnd')} - ${ms('WindowStart')}
  FROM ${r.source} FINAL WHERE ${afterHoursSql(q, q.until)}${and})`;
}

/**
 * A derived counter's hours, for the sums a read starts from when its reader takes the rest
 * from the hours' samples and the intervals after them (select.ts's HourRuns and AfterHours):
 * rows with the read's columns, `_n` 0, `_b` and `_lb` an hour's sum and last interval end for
 * the hours that end by the hour holding `start` (else 0), the first interval's start and end
 * (`_s`, `_fe`) and the interval length (`_st`), for every hour up to the range's end. One pass
 * over scalar columns: counting the intervals in the range and summing the first hour's up to
 * `start` here was half of the series statement (the samples statement reads them anyway).
 */
export function hourSumsSql(q: IntervalRead): string {
  const r = rollupOf(q.source);
  const before = `${hourMs} + ${HOUR_MS} <= intDiv(${q.start}, ${HOUR_MS}) * ${HOUR_MS}`;
  return `(
  SELECT ${q.columns.join(', ')}, toUInt64(0) AS _n, if(${before}, toFloat64(${q.value}), 0) AS _b,
    if(${before}, ${ms('WindowEnd')}, 0) AS _lb, ${ms('WindowStart')} AS _s, ${ms('FirstWindowEnd')} AS _fe, Interval AS _st
  FROM ${r.table} FINAL WHERE ${hourMs} + ${HOUR_MS} <= ${q.until} AND ${hourMs} < ${q.end}${q.where.map((w) => ` AND ${w}`).join('')})`;
}

/**
 * The read's columns of every hour rolled up that ends after `since` (an Int64 ms expression)
 * and that the range touches, without FINAL (a row repeated until merged has the same labels):
 * where a read takes its series' labels from, so that the history's many rows need only the ids.
 */
export function hourLabelsSql(q: IntervalRead, since: string): string {
  const and = q.where.map((w) => ` AND ${w}`).join('');
  return `(SELECT ${q.columns.join(', ')} FROM ${rollupOf(q.source).table}
  WHERE ${hourMs} + ${HOUR_MS} > ${since} AND ${hourMs} + ${HOUR_MS} <= ${q.until} AND ${hourMs} < ${q.end}${and})`;
}

/**
 * A FROM clause of the rows of the series whose ids (`sid`) are `{unlabelled:Array(UInt64)}`, for their
 * labels: every hour rolled up and the intervals after it, without FINAL (as hourLabelsSql).
 */
export function unlabelledRowsSql(q: IntervalRead, sid: string): string {
  const r = rollupOf(q.source);
  const columns = [...q.columns, 'WindowEnd'].join(', ');
  const and = [...q.where, `${sid} IN {unlabelled:Array(UInt64)}`].map((w) => ` AND ${w}`).join('');
  return `FROM (
  SELECT ${columns} FROM ${r.table} WHERE ${hourMs} + ${HOUR_MS} <= ${q.until}${and}
  UNION ALL
  SELECT ${columns} FROM ${r.source} WHERE ${afterHoursSql(q, q.until)}${and}) WHERE 1`;
}

/**
 * Rows of `sid` (SQL of the series' id over its columns, as `_sid`) with the intervals of each
 * hour rolled up that the range touches (its intervals before `start` too), as
 * metricsHourly.ts's metricHoursSql gives points: `_first` and `_step` (0 when the ends are not
 * a step apart), `_t` the ends when they are not (else empty), `_v` the values, `_v32` whether
 * they are all Float32 too, or where `_v` is empty, `_vfirst` and `_i8|16|32` (see hourValues.ts).
 */
export function hourIntervalsSql(q: IntervalRead, sid: string): string {
  const r = rollupOf(q.source);
  const and = q.where.map((w) => ` AND ${w}`).join('');
  const e = 'IntervalEnds';
  return `(
  SELECT ${sid} AS _sid, ${e}[1] AS _first, if(IntervalStep >= 0, IntervalStep, ${stepSql(e)}) AS _step,
    if(_step > 0, [], ${e}) AS _t, ${q.intervals} AS _v, ${float32Sql('_v')} AS _v32,
    ${intsReadSql(q.intervals)}
  FROM ${r.table} FINAL WHERE ${hourMs} + ${HOUR_MS} > ${q.start} AND ${hourMs} + ${HOUR_MS} <= ${q.until}
    AND ${hourMs} < ${q.end}${and})`;
}
