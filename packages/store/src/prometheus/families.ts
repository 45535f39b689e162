import type { MetricBatch } from '@tracehouse/otlp';
import type { Sql } from '../client';
import { metricTimeSql } from '../schema/metricsLayout';
import { metricTables } from '../schema/tables';
import { tenantKey } from '../tenant';
import { type OtlpKind, prometheusMetricName } from './names';

/** A stored OpenTelemetry metric as Prometheus sees it: one base name, one type. */
export interface OtlpFamily {
  table: 'metrics_gauge' | 'metrics_sum' | 'metrics_histogram' | 'metrics_exp_histogram' | 'metrics_summary';
  metricName: string;
  unit: string;
  kind: OtlpKind;
  /** Delta temporality: the stored points are increments, summed into a cumulative series. */
  delta: boolean;
  /** Prometheus name before any _bucket/_sum/_count suffix. */
  baseName: string;
  help: string;
}

const FAMILY_LIMIT = 10_000;
const DELTA = 1;

/** A family with the times of its oldest and newest point after the start of the read. */
export type TimedFamily = OtlpFamily & { firstMs: number; lastMs: number };

/**
 * The stored metrics of a tenant with points after startMs: one row per metric name, unit and
 * shape (monotonic, temporality), from which the Prometheus names are derived, with the times
 * of its oldest and newest point.
 */
export async function otlpFamilies(sql: Sql, tenant: string, startMs: number): Promise<TimedFamily[]> {
  const where = [
    'Tenant = {tenant:String}',
    ...metricTimeSql('fromUnixTimestamp64Milli({startMs:Int64})', undefined),
  ].join(' AND ');
  const rows = await sql.query<{
    tbl: OtlpFamily['table'];
    MetricName: string;
    MetricUnit: string;
    mono: number | boolean;
    temporality: number;
    help: string;
    first: number | string;
    last: number | string;
  }>(
    `SELECT 'metrics_gauge' AS tbl, MetricName, MetricUnit, false AS mono, 0 AS temporality, any(MetricDescription) AS help,
  toUnixTimestamp64Milli(min(TimeUnix)) AS first, toUnixTimestamp64Milli(max(TimeUnix)) AS last
FROM metrics_gauge WHERE ${where} GROUP BY MetricName, MetricUnit
UNION ALL
SELECT 'metrics_sum', MetricName, MetricUnit, IsMonotonic, AggregationTemporality, any(MetricDescription), toUnixTimestamp64Milli(min(TimeUnix)), toUnixTimestamp64Milli(max(TimeUnix))
FROM metrics_sum WHERE ${where} GROUP BY MetricName, MetricUnit, IsMonotonic, AggregationTemporality
UNION ALL
SELECT 'metrics_histogram', MetricName, MetricUnit, false, AggregationTemporality, any(MetricDescription), toUnixTimestamp64Milli(min(TimeUnix)), toUnixTimestamp64Milli(max(TimeUnix))
FROM metrics_histogram WHERE ${where} GROUP BY MetricName, MetricUnit, AggregationTemporality
UNION ALL
SELECT 'metrics_exp_histogram', MetricName, MetricUnit, false, AggregationTemporality, any(MetricDescription), toUnixTimestamp64Milli(min(TimeUnix)), toUnixTimestamp64Milli(max(TimeUnix))
FROM metrics_exp_histogram WHERE ${where} GROUP BY MetricName, MetricUnit, AggregationTemporality
UNION ALL
SELECT 'metrics_summary', MetricName, MetricUnit, false, 0, any(MetricDescription), toUnixTimestamp64Milli(min(TimeUnix)), toUnixTimestamp64Milli(max(TimeUnix))
FROM metrics_summary WHERE ${where} GROUP BY MetricName, MetricUnit
LIMIT ${FAMILY_LIMIT}`,
    { tenant: tenantKey(tenant), startMs },
    { maxRows: FAMILY_LIMIT },
  );
  return rows.map((r) => {
    const kind = kindOf(r.tbl, Boolean(r.mono));
    return {
      table: r.tbl,
      metricName: r.MetricName,
      unit: r.MetricUnit,
      kind,
      // A non-monotonic delta sum is still an increment per point (an UpDownCounter's delta).
      delta: Number(r.temporality) === DELTA,
      baseName: prometheusMetricName(r.MetricName, r.MetricUnit, kind),
      help: r.help,
      firstMs: Number(r.first),
      lastMs: Number(r.last),
    };
  });
}

/**
 * The families a batch of points writes, each with the times of its oldest and newest point (as
 * otlpFamilies gives them): the batch's oldest point is the oldest of their first times.
 */
export function writtenFamilies(batch: MetricBatch): TimedFamily[] {
  const out = new Map<string, TimedFamily>();
  for (const type of Object.keys(metricTables) as (keyof MetricBatch)[]) {
    const table = metricTables[type].name as OtlpFamily['table'];
    for (const p of batch[type] as (MetricBatch[keyof MetricBatch][number] & {
      IsMonotonic?: boolean;
      AggregationTemporality?: number;
    })[]) {
      // Unix nanoseconds in decimal: the milliseconds are all but the last six digits.
      const ms = p.TimeUnix.length > 6 ? Number(p.TimeUnix.slice(0, -6)) : 0;
      const kind = kindOf(table, p.IsMonotonic === true);
      const delta = p.AggregationTemporality === DELTA;
      const key = familyKey({ table, metricName: p.MetricName, unit: p.MetricUnit, kind, delta });
      const f = out.get(key);
      if (f) {
        f.firstMs = Math.min(f.firstMs, ms);
        f.lastMs = Math.max(f.lastMs, ms);
      } else
        out.set(key, {
          table,
          metricName: p.MetricName,
          unit: p.MetricUnit,
          kind,
          delta,
          baseName: prometheusMetricName(p.MetricName, p.MetricUnit, kind),
          help: p.MetricDescription,
          firstMs: ms,
          lastMs: ms,
        });
    }
  }
  return [...out.values()];
}

/** What tells families apart (otlpFamilies' rows). */
export const familyKey = (f: Pick<OtlpFamily, 'table' | 'metricName' | 'unit' | 'kind' | 'delta'>): string =>
  JSON.stringify([f.table, f.metricName, f.unit, f.kind, f.delta]);

function kindOf(table: OtlpFamily['table'], monotonic: boolean): OtlpKind {
  switch (table) {
    case 'metrics_gauge':
      return 'gauge';
    case 'metrics_sum':
      return monotonic ? 'counter' : 'nonMonotonicSum';
    case 'metrics_histogram':
      return 'histogram';
    case 'metrics_exp_histogram':
      return 'expHistogram';
    case 'metrics_summary':
      return 'summary';
  }
}
