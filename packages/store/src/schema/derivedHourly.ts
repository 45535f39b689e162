import type { Sql } from '../client';

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
export const DERIVED_HOURLY_WATERMARK = 'derived_hourly';

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
}

export const hourlyRollups: readonly HourlyRollup[] = [
  {
    source: 'span_metrics',
    table: 'span_metrics_hourly',
    key: ['SeriesKey', 'ServiceName', 'SpanName', 'SpanKind', 'StatusCode', 'Overflow'],
    kept: ['Dimensions'],
    sums: ['Calls', 'LatencySum'],
    arrays: ['LatencyBuckets'],
  },
  {
    source: 'service_graph_edges',
    table: 'service_graph_edges_hourly',
    key: ['Client', 'Server', 'ConnectionType', 'Overflow'],
    kept: ['VirtualNode'],
    sums: ['Requests', 'Failed', 'ServerLatencySum', 'ClientLatencySum'],
    arrays: ['ServerLatencyBuckets', 'ClientLatencyBuckets'],
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
  return `INSERT INTO ${r.table} (HourStart, ${columns.join(', ')}, FirstWindowEnd, Interval)
SELECT fromUnixTimestamp64Milli({hourStartMs:Int64}, 'UTC'), ${select.join(', ')}, min(WindowEnd),
  max(toUnixTimestamp64Milli(WindowEnd) - toUnixTimestamp64Milli(WindowStart))
FROM ${r.source} FINAL
WHERE WindowEnd > fromUnixTimestamp64Milli({hourStartMs:Int64})
  AND WindowEnd <= fromUnixTimestamp64Milli({hourStartMs:Int64} + ${HOUR_MS})
  AND WindowStart > fromUnixTimestamp64Milli({hourStartMs:Int64} - ${MAX_INTERVAL_MS})
  AND WindowStart < fromUnixTimestamp64Milli({hourStartMs:Int64} + ${HOUR_MS})
GROUP BY Tenant, ${r.key.join(', ')}`;
}

/**
 * SQL of where the hours summed end for a read up to `bound` (an Int64 ms expression): the
 * roll-up's watermark (bound as `{hourlyWatermark:String}`), never past the hour holding the
 * bound. A read takes the hours before it from the hourly table and the rest from the intervals.
 */
export const hoursSummedSql = (bound: string) =>
  `least((SELECT toUnixTimestamp64Milli(max(Watermark)) FROM processor_state WHERE Name = {hourlyWatermark:String}),
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
  const r = hourlyRollups.find((x) => x.source === source)!;
  const list = rollupColumns(r).join(', ');
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
