import type { MetricBatch } from '@tracehouse/otlp';
import type { Sql } from '../client';
import { metricTimeSql } from '../schema/metricsLayout';
import { metricTables } from '../schema/tables';
import { tenantKey } from '../tenant';
import { rowFixer, selectList } from './rows';

export interface MetricQuery {
  tenant: string;
  name?: string;
  service?: string;
  /** Unix seconds, inclusive. */
  start: number;
  end: number;
  /** Most points returned per metric type. */
  limit: number;
}

/** Data points of every metric type matching the filters, oldest first. */
export async function queryMetrics(sql: Sql, q: MetricQuery): Promise<MetricBatch> {
  const where = [
    'Tenant = {tenant:String}',
    ...metricTimeSql('toDateTime64({start:Int64}, 9)', 'toDateTime64({end:Int64}, 9)', true),
  ];
  const params: Record<string, unknown> = {
    tenant: tenantKey(q.tenant),
    start: Math.floor(q.start),
    end: Math.ceil(q.end),
    limit: q.limit,
  };
  if (q.name) {
    where.push('MetricName = {name:String}');
    params.name = q.name;
  }
  if (q.service) {
    where.push('ServiceName = {service:String}');
    params.service = q.service;
  }
  const entries = await Promise.all(
    Object.entries(metricTables).map(async ([type, table]) => {
      const rows = await sql.query<Record<string, unknown>>(
        `SELECT ${selectList(table.columns)}
FROM ${table.name}
WHERE ${where.join(' AND ')}
ORDER BY ServiceName, MetricName, TimeUnix
LIMIT {limit:UInt32}`,
        params,
        { maxRows: q.limit, priority: 'interactive' },
      );
      const fix = rowFixer(table.columns);
      for (const r of rows) fix(r);
      return [type, rows] as const;
    }),
  );
  return Object.fromEntries(entries) as unknown as MetricBatch;
}
