import {
  type Column,
  expHistogramColumns,
  gaugeColumns,
  histogramColumns,
  logColumns,
  spanColumns,
  sumColumns,
  summaryColumns,
} from './columns';

/** Retention per table family, in seconds. */
export interface Retention {
  spansRecent: number;
  spans: number;
  logs: number;
  metrics: number;
}

export interface TableDef {
  name: string;
  columns: Column[];
  /** Extra columns that are not part of the record (defaults, materialised). */
  extraColumns: string[];
  indexes: string[];
  engine: string;
  partitionBy: string;
  orderBy: string;
  /**
   * TTL expression without the interval, e.g. `toDateTime(IngestTime)`. Tables partitioned by
   * record time expire a row by the earlier of its time and its ingest time: a row dated ahead
   * (before ingest.maxClockSkew bounded it, or written by an older version) still expires.
   */
  ttlColumn: string;
  retention: keyof Retention;
  /** Rows per granule (default 8192). */
  indexGranularity?: number;
}

const INGEST_TIME = 'IngestTime DateTime64(3) DEFAULT now64(3) CODEC(Delta(8), ZSTD(1))';

/**
 * Every span lands here first, whatever the sampling decision will be. Partitioned and
 * expired by ingest time, not span time: an insert block then always touches one
 * partition (late or skewed span clocks cannot explode the partition count), and the
 * TTL drops whole parts. Sorted by trace id, because this table serves trace-by-id and
 * the per-trace sampling decision.
 */
export const spansRecent: TableDef = {
  name: 'spans_recent',
  columns: spanColumns,
  extraColumns: [INGEST_TIME],
  indexes: [],
  engine: 'MergeTree',
  partitionBy: 'toStartOfFifteenMinutes(IngestTime)',
  orderBy: '(TraceId, Timestamp)',
  ttlColumn: 'toDateTime(IngestTime)',
  retention: 'spansRecent',
};

export const logs: TableDef = {
  name: 'logs',
  columns: logColumns,
  extraColumns: [
    // A log record may leave time_unix_nano unset; it is then placed by its observed time.
    'TimestampTime DateTime DEFAULT toDateTime(if(Timestamp = 0, ObservedTimestamp, Timestamp))',
    INGEST_TIME,
  ],
  indexes: [
    'INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1',
    'INDEX idx_body lower(Body) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8',
    'INDEX idx_attr_keys mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
    'INDEX idx_attr_values mapValues(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1',
  ],
  engine: 'MergeTree',
  partitionBy: 'toDate(TimestampTime)',
  orderBy: '(ServiceName, TimestampTime)',
  ttlColumn: 'least(TimestampTime, toDateTime(IngestTime))',
  retention: 'logs',
};

function metricTable(name: string, columns: Column[]): TableDef {
  return {
    name,
    columns,
    extraColumns: [INGEST_TIME],
    indexes: ['INDEX idx_attr_keys mapKeys(Attributes) TYPE bloom_filter(0.01) GRANULARITY 1'],
    engine: 'MergeTree',
    partitionBy: 'toDate(TimeUnix)',
    orderBy: '(ServiceName, MetricName, toDateTime(TimeUnix))',
    ttlColumn: 'least(toDateTime(TimeUnix), toDateTime(IngestTime))',
    retention: 'metrics',
  };
}

export const metricsGauge = metricTable('metrics_gauge', gaugeColumns);
export const metricsSum = metricTable('metrics_sum', sumColumns);
export const metricsHistogram = metricTable('metrics_histogram', histogramColumns);
export const metricsExpHistogram = metricTable('metrics_exp_histogram', expHistogramColumns);
export const metricsSummary = metricTable('metrics_summary', summaryColumns);

export const metricTables = {
  gauge: metricsGauge,
  sum: metricsSum,
  histogram: metricsHistogram,
  expHistogram: metricsExpHistogram,
  summary: metricsSummary,
} as const;

/**
 * Kept traces (the sampling decision copies their spans here), long retention. Sorted for
 * search by service and span name over time; trace-by-id finds the time range in
 * `trace_index` and the granules through the trace id bloom filter.
 * AdjustedCount is how many traces this one stands for (1 / keep probability).
 */
export const spans: TableDef = {
  name: 'spans',
  columns: spanColumns,
  extraColumns: ['AdjustedCount Float64 DEFAULT 1', "SamplingRule LowCardinality(String) DEFAULT ''", INGEST_TIME],
  indexes: [
    'INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1',
    'INDEX idx_duration Duration TYPE minmax GRANULARITY 1',
  ],
  engine: 'MergeTree',
  partitionBy: 'toDate(Timestamp)',
  orderBy: '(ServiceName, SpanName, toDateTime(Timestamp))',
  ttlColumn: 'least(toDateTime(Timestamp), toDateTime(IngestTime))',
  retention: 'spans',
  // The spans of one trace sit in different (service, name) runs, so trace-by-id reads one
  // granule per span: smaller granules read less of what is not the trace.
  indexGranularity: 2048,
};

/**
 * Migration 8 re-sorts `spans` (the definition above is migration 2's, kept as released) by
 * 1-minute time bucket, then tenant, then trace id:
 * - a trace's spans sit together, so trace-by-id and the details of search results read one
 *   or two granules per trace instead of one per span (the trace index gives the bucket);
 * - a search window reads only its buckets (a 1 h window: 60 of 1440 a day, instead of the rows
 *   of every (service, name) run that overlaps it), newest first, in slices as small as a minute;
 * - ids repeated on neighbouring rows compress (52.5 -> ~36 B/span in the benchmark).
 * A service no longer narrows the read through the key: searches by service read the
 * `ServiceName` column of the window (1 byte a row).
 */
export const SPANS_TIME_BUCKET_SECONDS = 60;
// Tenant (migration 7) between the two: a search reads only its tenant's rows of each minute.
export const spansOrderBy = '(toStartOfMinute(Timestamp), Tenant, TraceId)';

/** The tables of migration 1 (do not change: released). */
export const firstTables: TableDef[] = [spansRecent, logs, ...Object.values(metricTables)];

/** Every table whose TTL follows a retention setting. */
export const dataTables: TableDef[] = [...firstTables, spans];

/**
 * One row per decided trace. A decision never changes: the processor inserts a trace's
 * decision once, and a re-run window after a crash inserts the same row again, which the
 * ReplacingMergeTree folds (readers use FINAL or argMin on DecidedAt).
 * LastIngest is the newest IngestTime the decision saw: the decision copies the spans up to
 * it, later ones are late spans. Threshold is the tracestate `th` written on kept spans.
 * Ticks insert decisions with increasing DecidedAt, so the minmax index lets the copy and
 * forwarding steps read one tick's decisions without scanning the table.
 */
export const samplingDecisionsSql = `CREATE TABLE IF NOT EXISTS sampling_decisions (
  TraceId String CODEC(ZSTD(1)),
  Decision LowCardinality(String),
  Rule LowCardinality(String),
  Reason String CODEC(ZSTD(1)),
  DecidedAt DateTime64(9) CODEC(Delta(8), ZSTD(1)),
  AdjustedCount Float64,
  SpanCount UInt32,
  RootServiceName LowCardinality(String),
  RootSpanName LowCardinality(String),
  TraceStart DateTime64(9),
  TraceEnd DateTime64(9),
  LastIngest DateTime64(3),
  Threshold String,
  INDEX idx_decided_at DecidedAt TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree
ORDER BY TraceId`;

/** Named watermarks of the background processors (sampling, forwarding, span metrics...). */
export const processorStateSql = `CREATE TABLE IF NOT EXISTS processor_state (
  Name LowCardinality(String),
  Watermark DateTime64(9),
  UpdatedAt DateTime64(3) DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(UpdatedAt)
ORDER BY Name`;

export function createTableSql(t: TableDef): string {
  const cols = [...t.columns.map((c) => `\`${c.name}\` ${c.type}`), ...t.extraColumns, ...t.indexes];
  return [
    `CREATE TABLE IF NOT EXISTS ${t.name} (\n  ${cols.join(',\n  ')}\n)`,
    `ENGINE = ${t.engine}`,
    `PARTITION BY ${t.partitionBy}`,
    `ORDER BY ${t.orderBy}`,
    // ttl_only_drop_parts: expiry drops whole parts instead of rewriting them.
    `SETTINGS index_granularity = ${t.indexGranularity ?? 8192}, ttl_only_drop_parts = 1`,
  ].join('\n');
}

export function modifyTtlSql(t: TableDef, seconds: number): string {
  return `ALTER TABLE ${t.name} MODIFY TTL ${t.ttlColumn} + toIntervalSecond(${Math.max(1, Math.round(seconds))})`;
}

/**
 * trace id -> ingest and span time range, so trace-by-id reads only the partitions that
 * hold the trace. The view aggregates per insert block, so a trace written in N batches
 * has up to N rows until merges fold them: readers take min/max.
 */
export const traceIndexSql = [
  `CREATE TABLE IF NOT EXISTS trace_index (
  TraceId String CODEC(ZSTD(1)),
  Start SimpleAggregateFunction(min, DateTime64(9)),
  End SimpleAggregateFunction(max, DateTime64(9)),
  IngestStart SimpleAggregateFunction(min, DateTime64(3)),
  IngestEnd SimpleAggregateFunction(max, DateTime64(3)),
  SpanCount SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
ORDER BY TraceId`,
  `CREATE MATERIALIZED VIEW IF NOT EXISTS trace_index_mv TO trace_index AS
SELECT
  TraceId,
  min(Timestamp) AS Start,
  max(addNanoseconds(Timestamp, greatest(Duration, 0))) AS End,
  min(IngestTime) AS IngestStart,
  max(IngestTime) AS IngestEnd,
  count() AS SpanCount
FROM spans_recent
GROUP BY TraceId`,
];

export const traceIndexTtlSql = (seconds: number): string =>
  `ALTER TABLE trace_index MODIFY TTL toDateTime(IngestEnd) + toIntervalSecond(${Math.max(1, Math.round(seconds))})`;

/**
 * The sampling processor finds traces that went quiet through their newest IngestEnd; a
 * minmax index lets it read only the trace_index parts written in the last seconds.
 */
export const traceIndexIngestEndIndexSql =
  'ALTER TABLE trace_index ADD INDEX IF NOT EXISTS idx_ingest_end IngestEnd TYPE minmax GRANULARITY 1';

/** Decisions live as long as the traces they describe (and late spans can still find them). */
export const samplingDecisionsTtlSql = (seconds: number): string =>
  `ALTER TABLE sampling_decisions MODIFY TTL toDateTime(DecidedAt) + toIntervalSecond(${Math.max(1, Math.round(seconds))})`;

/** Gateway mode exports what was copied into `spans` since its watermark (by IngestTime). */
export const spansIngestTimeIndexSql =
  'ALTER TABLE spans ADD INDEX IF NOT EXISTS idx_ingest_time IngestTime TYPE minmax GRANULARITY 1';

const TENANT_COLUMN = 'Tenant LowCardinality(String)';

/**
 * Migration 7: a `Tenant` column on every table of telemetry (see tenant.ts: '' is the default
 * tenant, which is what the rows written before read as). Tables whose sorting key identifies a
 * row for folding (the rollup and the derived metrics) get it appended to that key, so two
 * tenants' rows never fold into one; ClickHouse allows only a column added in the same ALTER and
 * without a default there. Re-running a statement is harmless. Sampling decisions are made per
 * trace id (a trace that crosses tenants is kept or dropped whole, as one that crosses services),
 * and record the tenants that sent spans of the trace.
 */
export const tenantMigrationSql: string[] = [
  ...dataTables.map((t) => `ALTER TABLE ${t.name} ADD COLUMN IF NOT EXISTS ${TENANT_COLUMN}`),
  `ALTER TABLE search_tag_values ADD COLUMN IF NOT EXISTS ${TENANT_COLUMN}, MODIFY ORDER BY (Scope, Key, Type, Value, Day, Tenant)`,
  `ALTER TABLE span_metrics ADD COLUMN IF NOT EXISTS ${TENANT_COLUMN}, MODIFY ORDER BY (ServiceName, SpanName, WindowStart, SeriesKey, Tenant)`,
  `ALTER TABLE service_graph_edges ADD COLUMN IF NOT EXISTS ${TENANT_COLUMN}, MODIFY ORDER BY (WindowStart, Client, Server, ConnectionType, Tenant)`,
  "ALTER TABLE sampling_decisions ADD COLUMN IF NOT EXISTS Tenants Array(LowCardinality(String)) DEFAULT ['']",
  "ALTER TABLE users ADD COLUMN IF NOT EXISTS Tenant LowCardinality(String) DEFAULT 'default'",
];
