/**
 * Migration 10: alerting. `alert_state` holds every active alert (pending, firing, recently
 * resolved) so that a restart neither forgets a firing alert nor pages again: a change inserts
 * the whole row again with a newer Version (ReplacingMergeTree, read with FINAL); a gone alert
 * is a row with Deleted = 1. `recorded_series` holds the samples of recording rules, read by
 * the PromQL engine like any other series.
 */
export const alertStateSql = `CREATE TABLE IF NOT EXISTS alert_state (
  Tenant LowCardinality(String),
  RuleKey String,
  Fingerprint String,
  Labels Map(String, String),
  Annotations Map(String, String),
  State LowCardinality(String),
  Value Float64,
  ActiveAtMs Int64,
  FiredAtMs Int64,
  ResolvedAtMs Int64,
  KeepFiringSinceMs Int64,
  Version UInt64,
  Deleted UInt8 DEFAULT 0
)
ENGINE = ReplacingMergeTree(Version)
ORDER BY (Tenant, RuleKey, Fingerprint)`;

export const recordedSeriesSql = `CREATE TABLE IF NOT EXISTS recorded_series (
  Tenant LowCardinality(String),
  MetricName LowCardinality(String),
  SeriesKey String CODEC(ZSTD(1)),
  Labels Map(LowCardinality(String), String) CODEC(ZSTD(1)),
  TimeUnix DateTime64(3) CODEC(Delta(8), ZSTD(1)),
  Value Float64 CODEC(Gorilla, ZSTD(1))
)
ENGINE = MergeTree
PARTITION BY toDate(TimeUnix)
ORDER BY (Tenant, MetricName, SeriesKey, TimeUnix)`;

export const recordedSeriesTtlSql = (seconds: number): string =>
  `ALTER TABLE recorded_series MODIFY TTL toDateTime(TimeUnix) + toIntervalSecond(${Math.max(1, Math.round(seconds))})`;
