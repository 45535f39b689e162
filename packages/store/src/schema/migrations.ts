import { alertStateSql, recordedSeriesSql } from '../alerting/tables';
import { authTablesSql, sessionsSql } from '../auth/tables';
import type { Sql } from '../client';
import { contractFirstSeenSql } from '../contract/firstSeen';
import { dashboardsSql } from '../dashboards/tables';
import { queryMigrationStatements } from '../search/schema';
import { serviceGraphEdgesSql, spanMetricsSql } from './derived';
import { addHourlyIntervals, addHourlyInts, addHourlyStep, createHourlyRollups } from './derivedHourly';
import { regranulate, SPAN_METRICS_INDEX_GRANULARITY } from './granularity';
import { intColumnsSql } from './hourValues';
import { widenLogsMerges } from './logsMerges';
import { lateColumnSql, metricsHourlySql } from './metricsHourly';
import { relayoutMetricTables } from './metricsLayout';
import { recentCodecSql, recentPlainStringsSql, widenRecentMerges } from './recentLayout';
import { createRecentTraces } from './recentTraces';
import { relayoutTable } from './relayout';
import { metricSeriesIdSql } from './seriesId';
import {
  createTableSql,
  firstTables,
  processorStateSql,
  samplingDecisionsSql,
  spans,
  spansIngestTimeIndexSql,
  spansOrderBy,
  tenantMigrationSql,
  traceIndexIngestEndIndexSql,
  traceIndexSql,
} from './tables';

/**
 * Numbered, append-only schema migrations. A migration runs once per database and is
 * recorded in `schema_migrations`; its statements are idempotent (IF NOT EXISTS) so a
 * crash between a statement and the record is harmless. Never edit a released migration:
 * add the next number.
 */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
  /** Runs after the statements, for what DDL alone cannot do (e.g. copying data); idempotent too. */
  run?: (sql: Sql) => Promise<void>;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'spans_recent, trace_index, logs, metrics_*',
    statements: [...firstTables.map(createTableSql), ...traceIndexSql],
  },
  {
    version: 2,
    name: 'spans (kept traces), sampling_decisions, processor_state',
    statements: [createTableSql(spans), samplingDecisionsSql, processorStateSql],
  },
  {
    version: 3,
    name: 'span_metrics, service_graph_edges (derived metrics per interval)',
    statements: [spanMetricsSql, serviceGraphEdgesSql],
  },
  {
    version: 4,
    name: 'query: search_tag_values rollup for autocomplete',
    statements: queryMigrationStatements,
  },
  {
    version: 5,
    name: 'users, api_tokens, audit_log (access control)',
    statements: authTablesSql,
  },
  {
    version: 6,
    name: 'sampling: minmax indexes on trace_index.IngestEnd and spans.IngestTime',
    statements: [traceIndexIngestEndIndexSql, spansIngestTimeIndexSql],
  },
  {
    version: 7,
    name: 'tenants: a Tenant column on every telemetry table, Tenants on sampling_decisions, Tenant on users',
    statements: tenantMigrationSql,
  },
  {
    version: 8,
    name: 'query: spans sorted by 1-minute bucket, tenant and trace id (copied over, partition by partition)',
    statements: [],
    run: (sql) => relayoutTable(sql, 'spans', spansOrderBy),
  },
  {
    version: 9,
    name: 'sessions (browser sessions survive a restart)',
    statements: [sessionsSql],
  },
  {
    version: 10,
    name: "dashboards (users' dashboards per tenant)",
    statements: [dashboardsSql],
  },
  {
    version: 11,
    name: 'alerting: alert_state (alerts survive a restart), recorded_series (recording rules)',
    statements: [alertStateSql, recordedSeriesSql],
  },
  {
    version: 12,
    name: 'ingest: spans_recent in LZ4 with a wider merge fan-in (cheaper inserts and merges for a table kept an hour)',
    statements: [recentCodecSql],
    run: widenRecentMerges,
  },
  // 13-14 are taken by work in flight (query, promql).
  {
    version: 15,
    name: 'contract_first_seen (telemetry-contract violations keep their first-seen time across restarts)',
    statements: [contractFirstSeenSql],
  },
  {
    version: 17,
    name: 'query: span_metrics in granules of 256 rows (a RED query over an hour reads about an hour of each series)',
    statements: [],
    run: (sql) => regranulate(sql, 'span_metrics', SPAN_METRICS_INDEX_GRANULARITY),
  },
  {
    version: 18,
    name: 'promql: a SeriesId column on every metric table (reads group rows by it instead of hashing attributes)',
    statements: metricSeriesIdSql,
  },
  {
    version: 19,
    name: 'sampling: recent_traces and recent_decisions, partitioned by time (the processors read the recent window, not 14 days)',
    statements: [],
    run: createRecentTraces,
  },
  {
    version: 20,
    name: 'ingest: logs with a wider merge fan-in (merges were more than half of the CPU per log record)',
    statements: [],
    run: widenLogsMerges,
  },
  {
    version: 21,
    name: 'promql: the derived metrics summed per hour (a read sums an hour of intervals, not the whole retention)',
    statements: [],
    run: createHourlyRollups,
  },
  {
    version: 22,
    name: "promql: each hour's intervals kept in its hourly row (a read of whole hours takes one row per series and hour)",
    statements: [],
    run: addHourlyIntervals,
  },
  {
    version: 23,
    name: 'promql: OTLP metric points per series and hour (a read of whole hours takes one row per series and hour)',
    statements: [metricsHourlySql, ...lateColumnSql],
  },
  {
    version: 24,
    name: "promql: an hour's integer values kept as their differences in the narrowest integer type (a read sends a byte a point)",
    // Hours rolled up before keep their values in the Float64 columns, which reads still take.
    statements: [...intColumnsSql('Values'), ...intColumnsSql('Counts')].map(
      (c) => `ALTER TABLE metrics_hourly ADD COLUMN IF NOT EXISTS ${c}`,
    ),
    run: addHourlyInts,
  },
  {
    version: 25,
    name: 'promql: each derived hour keeps the step between its interval ends (a read no longer works it out per row)',
    statements: [],
    run: addHourlyStep,
  },
  {
    version: 26,
    name: 'ingest: spans_recent without LowCardinality (cheaper merges for a table kept an hour)',
    statements: [recentPlainStringsSql],
  },
  {
    version: 27,
    name: 'promql: the metric tables sorted by tenant, metric, hour and series (a read of an hour takes about an hour of rows)',
    statements: [],
    run: relayoutMetricTables,
  },
];

export const migrationsTableSql = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version UInt32,
  name String,
  applied_at DateTime64(3) DEFAULT now64(3)
) ENGINE = ReplacingMergeTree ORDER BY version`;
