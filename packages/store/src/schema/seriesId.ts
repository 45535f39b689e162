import { metricTables } from './tables';

/**
 * What identifies a stored OTLP metric series within its metric: the columns its Prometheus
 * labels come from (and, for histograms and summaries, the bounds and quantiles its bucket
 * and quantile series are named by).
 */
const SERIES_COLUMNS: Record<string, string> = {
  metrics_gauge: 'Attributes, ResourceAttributes',
  metrics_sum: 'Attributes, ResourceAttributes',
  metrics_histogram: 'Attributes, ResourceAttributes, ExplicitBounds',
  metrics_exp_histogram: 'Attributes, ResourceAttributes',
  metrics_summary: 'Attributes, ResourceAttributes, `ValueAtQuantiles.Quantile`',
};

/**
 * A `SeriesId` column on every metric table, computed at insert: PromQL reads group a metric's
 * rows by series, and hashing two attribute maps of every row at read time was most of the cost
 * of a read (rows written before this migration get theirs from the mutation, and are hashed
 * on read until it has run).
 */
export const metricSeriesIdSql: string[] = Object.values(metricTables).flatMap((t) => [
  `ALTER TABLE ${t.name} ADD COLUMN IF NOT EXISTS SeriesId UInt64 MATERIALIZED cityHash64(${SERIES_COLUMNS[t.name]})`,
  `ALTER TABLE ${t.name} MATERIALIZE COLUMN SeriesId`,
]);
