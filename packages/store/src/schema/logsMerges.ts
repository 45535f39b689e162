import type { Sql } from '../client';
import { widenMerges } from './recentLayout';

/**
 * Migration 20: a wider merge fan-in for `logs` (merge_selector_base 50, ClickHouse's default 5).
 * Merges were more than half of the CPU a log record cost: its daily partitions sorted by
 * service and time take every insert as a new part, and with the default fan-in each record was
 * rewritten (maps recompressed, skip indexes rebuilt) about five times. Measured with
 * bench:ingest's logs workload over 60 s plus a 40 s tail for the merges to settle: merges 36.2
 * -> 11.5 us per record, the whole process 67.9 -> 39.7, at 17 active parts instead of 6
 * (docs/performance.md, Ingest, session 9).
 */
export const LOGS_MERGE_SELECTOR_BASE = 50;

export const widenLogsMerges = (sql: Sql) => widenMerges(sql, 'logs', LOGS_MERGE_SELECTOR_BASE);
