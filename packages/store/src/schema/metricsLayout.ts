import type { Sql } from '../client';
import { relayoutTable } from './relayout';
import { metricTables } from './tables';

/**
 * Migration 27 re-sorts every metric table by tenant, metric, hour, then series (the definition
 * in tables.ts is migration 1's, kept as released):
 * - PromQL, the tables' main reader, selects one metric of one tenant across every service over
 *   a time range: sorted by `(ServiceName, MetricName, toDateTime(TimeUnix))`, each service's
 *   run of a metric took granules of many hours (a granule of 100-bucket histograms held ~9 h
 *   of a service), so an hour's read took most of the day's rows and their attribute maps;
 * - the hour is the unit of the hourly roll-up (metricsHourly.ts), which reads one hour of a
 *   table, and of the reads after it (the points after the last rolled hour);
 * - a series' points sit together within its hour: its newest point (where the wide labels are
 *   read) is a neighbour of the others, and its times and values compress as deltas.
 * Measured on the PromQL bench's store (docs/performance.md): the 1 h `histogram_quantile`
 * series statement ~91 -> ~62 ms, its samples ~40-56 -> ~36-40.
 */
export const METRICS_ORDER_BY = '(Tenant, MetricName, toStartOfHour(TimeUnix), SeriesId, TimeUnix)';

/**
 * `TimeUnix` after `after` (or from it, `inclusive`) and up to `upTo`, each a DateTime64 SQL
 * expression (either left out: unbounded), as conditions the sort key narrows the read with.
 * ClickHouse does not derive bounds on the key's `toStartOfHour(TimeUnix)` from bounds on the
 * DateTime64 column itself, so each comes with its hour's: without them, the last 22 minutes of
 * one metric read every granule of its day (161 granules for 15; see docs/performance.md).
 */
export function metricTimeSql(after: string | undefined, upTo: string | undefined, inclusive = false): string[] {
  return [
    ...(after === undefined
      ? []
      : [`TimeUnix ${inclusive ? '>=' : '>'} ${after}`, `toStartOfHour(TimeUnix) >= toStartOfHour(${after})`]),
    ...(upTo === undefined ? [] : [`TimeUnix <= ${upTo}`, `toStartOfHour(TimeUnix) <= toStartOfHour(${upTo})`]),
  ];
}

export async function relayoutMetricTables(sql: Sql): Promise<void> {
  for (const t of Object.values(metricTables)) await relayoutTable(sql, t.name, METRICS_ORDER_BY);
}
