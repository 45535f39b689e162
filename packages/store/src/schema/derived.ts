/**
 * Migration 3: the derived metrics, one row per series per interval (deltas). Rows are
 * computed from whole, aligned intervals, so a re-run interval after a crash writes the same
 * rows again and the ReplacingMergeTree folds them (readers use FINAL): exactly once.
 */
const EXEMPLAR_COLUMNS = `\`Exemplars.Bucket\` Array(UInt8),
  \`Exemplars.TraceId\` Array(String),
  \`Exemplars.SpanId\` Array(String),
  \`Exemplars.Value\` Array(Float64),
  \`Exemplars.TimeUnix\` Array(DateTime64(9))`;

/** Span metrics (RED) per interval of ingest time, over every span before sampling. */
export const spanMetricsSql = `CREATE TABLE IF NOT EXISTS span_metrics (
  WindowStart DateTime64(3) CODEC(Delta(8), ZSTD(1)),
  WindowEnd DateTime64(3) CODEC(Delta(8), ZSTD(1)),
  SeriesKey String CODEC(ZSTD(1)),
  ServiceName LowCardinality(String),
  SpanName LowCardinality(String),
  SpanKind LowCardinality(String),
  StatusCode LowCardinality(String),
  Dimensions Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  Overflow Bool,
  Calls UInt64,
  LatencySum Float64,
  LatencyBuckets Array(UInt64) CODEC(ZSTD(1)),
  ${EXEMPLAR_COLUMNS}
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(WindowStart)
ORDER BY (ServiceName, SpanName, WindowStart, SeriesKey)`;

/** Service-graph edges per interval of sampling-decision time, from complete traces. */
export const serviceGraphEdgesSql = `CREATE TABLE IF NOT EXISTS service_graph_edges (
  WindowStart DateTime64(3) CODEC(Delta(8), ZSTD(1)),
  WindowEnd DateTime64(3) CODEC(Delta(8), ZSTD(1)),
  Client LowCardinality(String),
  Server LowCardinality(String),
  ConnectionType LowCardinality(String),
  VirtualNode LowCardinality(String),
  Overflow Bool,
  Requests UInt64,
  Failed UInt64,
  ServerLatencySum Float64,
  ServerLatencyBuckets Array(UInt64) CODEC(ZSTD(1)),
  ClientLatencySum Float64,
  ClientLatencyBuckets Array(UInt64) CODEC(ZSTD(1)),
  ${EXEMPLAR_COLUMNS}
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(WindowStart)
ORDER BY (WindowStart, Client, Server, ConnectionType)`;

export const derivedTables = ['span_metrics', 'service_graph_edges'] as const;

export const derivedTtlSql = (table: string, seconds: number): string =>
  `ALTER TABLE ${table} MODIFY TTL toDateTime(WindowStart) + toIntervalSecond(${Math.max(1, Math.round(seconds))})`;
