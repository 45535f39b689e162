// Public surface of @tracehouse/store.
export { type ConnectOptions, QueryLimitError, type QueryLimits, Sql } from './client';
export * from './derived/index';
export type { LogQuery } from './read/logs';
export type { MetricQuery } from './read/metrics';
export { keptAtSql, traceRandomnessSql } from './sampling/probability';
export { migrations } from './schema/migrations';
export type { Retention } from './schema/tables';
export { Store, type StoreOptions, type TableStats } from './store';
export { type BatchWriterOptions, type InsertObservation, QueueFullError, StoreWriteError } from './write/batchWriter';
