// Public surface of @tracehouse/store.
export type {
  AlertingStore,
  RecordedRow,
  RecordedSelect,
  RecordedSeries,
  StoredAlert,
} from './alerting/alertStore';
export type { AuditEntry, AuthStore, SessionRow, TokenRow, UserRow } from './auth/authStore';
export type { OldestData, OpsQueries, SamplingRuleStats } from './auth/ops';
export { type CacheGetOptions, QueryCache, type QueryCacheOptions, type QueryCacheStats } from './cache/queryCache';
export { type ConnectOptions, QueryLimitError, type QueryLimits, type QueryParams, type Sql } from './client';
export type { ContractFinding, ContractRules, ContractWindow } from './contract/findings';
export type { DashboardRow, DashboardStore } from './dashboards/dashboardStore';
export type { PromExemplar, SeriesExemplars } from './prometheus/exemplars';
export type { ProbeCache } from './prometheus/probes';
export type { MetricMetadata, NameFilter, PromStore, PromStoreOptions } from './prometheus/promStore';
export type { PromMatcher, PromSelect, PromSeries } from './prometheus/select';
export { CursorError, type LogBucket, type LogPage, type LogQuery, logCursorBefore, textTokens } from './read/logs';
export type { MetricQuery } from './read/metrics';
export { RowBinaryReader } from './read/rowBinaryReader';
export { rowFixer, selectList } from './read/rows';
export type { TraceCacheOptions } from './read/traceCache';
export { MAX_TRACE_SPANS, type TracePage, type TracePageRequest } from './read/traces';
export type { QueryPriority, SchedulerStats } from './schedule/scheduler';
export { spanColumns } from './schema/columns';
export {
  DERIVED_HOURLY_WATERMARK,
  HOUR_MS,
  hoursSummedParams,
  intervalsBeforeSql,
  MAX_INTERVAL_MS,
} from './schema/derivedHourly';
export { METRICS_HOURLY_WATERMARK, metricsRollableUntilMs } from './schema/metricsHourly';
export { migrations } from './schema/migrations';
export { RECENT_DECISIONS_MARGIN_SECONDS } from './schema/recentTraces';
export type { Retention } from './schema/tables';
export { AggregateFieldError } from './search/compile';
export {
  type DecisionName,
  findTracesSql,
  type MatchedSpan,
  SEARCH_LIMITS,
  type TraceSearch,
  type TraceSource,
  type TraceSummary,
} from './search/search';
export { INTRINSIC_TAGS, type TagScope, type TagValue } from './search/tags';
export type { ProcessorState, Watermarks } from './state';
export {
  DEFAULT_JOURNAL_INTERVAL_MS,
  DEFAULT_TAG_CACHE_TTL_MS,
  DEFAULT_TRACE_CACHE,
  Store,
  type StoreOptions,
  type TableStats,
  type WriteAck,
} from './store';
export { DEFAULT_TENANT, TENANT_NAME, tenantKey, tenantName } from './tenant';
export { MetricsQueryError } from './traceqlMetrics/compile';
export {
  METRICS_LIMITS,
  type MetricsLabel,
  MetricsLimitError,
  type MetricsRange,
  type MetricsSeries,
  splitAtRecent,
} from './traceqlMetrics/queryRange';
export { type BatchWriterOptions, type InsertObservation, QueueFullError, StoreWriteError } from './write/batchWriter';
export type { MetricWriteListener } from './write/oldestPoint';
