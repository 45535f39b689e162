// Public surface of @tracehouse/store.
export {
  AlertingStore,
  type RecordedRow,
  type RecordedSelect,
  type RecordedSeries,
  type StoredAlert,
} from './alerting/alertStore';
export { type AuditEntry, AuthStore, type SessionRow, type TokenRow, type UserRow } from './auth/authStore';
export { type OldestData, OpsQueries, type SamplingRuleStats } from './auth/ops';
export { type ConnectOptions, QueryLimitError, type QueryLimits, Sql } from './client';
export * from './derived/index';
export { type MetricMetadata, type NameFilter, PromStore, type PromStoreOptions } from './prometheus/promStore';
export type { PromMatcher, PromSelect, PromSeries } from './prometheus/select';
export {
  CursorError,
  type LogBucket,
  type LogPage,
  type LogQuery,
  logContext,
  logHistogram,
  queryLogsPage,
  textTokens,
} from './read/logs';
export type { MetricQuery } from './read/metrics';
export { type CompiledRules, compileRules } from './sampling/compile';
export { type TraceDecision, traceDecision } from './sampling/decisions';
export { databaseNowMs, type KeptSpan, keptSpansBetween } from './sampling/forward';
export { keptAtSql, traceRandomnessSql } from './sampling/probability';
export { type DecidedTrace, type SamplerOptions, type SamplingTick, TraceSampler } from './sampling/sampler';
export { readWatermarks, type Watermarks, writeWatermarks } from './sampling/watermarks';
export { migrations } from './schema/migrations';
export type { Retention } from './schema/tables';
export { AggregateFieldError } from './search/compile';
export {
  type DecisionName,
  findTracesSql,
  type MatchedSpan,
  searchTraces,
  type TraceSearch,
  type TraceSource,
  type TraceSummary,
} from './search/search';
export { INTRINSIC_TAGS, searchTags, type TagScope, type TagValue, tagValues } from './search/tags';
export { Store, type StoreOptions, type TableStats } from './store';
export { DEFAULT_TENANT, TENANT_NAME, tenantKey, tenantName } from './tenant';
export { type BatchWriterOptions, type InsertObservation, QueueFullError, StoreWriteError } from './write/batchWriter';
