import type { Sql } from '../client';
import { tenantKey } from '../tenant';
import type { Component } from './components';
import { matcherPrefilter, matcherSql, type PromSelect, tableSql } from './select';

export interface PromExemplar {
  traceId: string;
  spanId: string;
  value: number;
  timeMs: number;
}

export interface SeriesExemplars {
  labels: Record<string, string>;
  exemplars: PromExemplar[];
}

/** Exemplars per series at most, newest kept (Prometheus's exemplar storage is a ring too). */
const PER_SERIES = 100;

/** The `le` an exemplar belongs to. */
function exemplarLe(c: Component): string {
  return c.exemplars === 'derivedBucket'
    ? "if(exBucket + 1 > length({bounds:Array(Float64)}), '+Inf', toString({bounds:Array(Float64)}[exBucket + 1]))"
    : "if(arrayFirstIndex(b -> exValue <= b, ExplicitBounds) = 0, '+Inf', toString(ExplicitBounds[arrayFirstIndex(b -> exValue <= b, ExplicitBounds)]))";
}

/**
 * The stored exemplars of one component's series in [startMs, endMs] (exemplar time), on the
 * series Prometheus would have stored them on. Exemplars of traces the sampler dropped are left
 * out: an exemplar must open a kept trace.
 */
export async function componentExemplars(sql: Sql, c: Component, q: PromSelect): Promise<SeriesExemplars[]> {
  if (!c.exemplars) return [];
  const params: Record<string, unknown> = {
    ...c.params,
    tenant: tenantKey(q.tenant),
    startMs: Math.floor(q.startMs),
    endMs: Math.floor(q.endMs),
  };
  const bucketed = c.exemplars !== 'series';
  const labels = bucketed ? `mapUpdate(${c.labels}, map('le', ${exemplarLe(c)}))` : c.labels;
  const columns = [
    '`Exemplars.TraceId` AS exTrace',
    '`Exemplars.SpanId` AS exSpan',
    '`Exemplars.Value` AS exValue',
    '`Exemplars.TimeUnix` AS exTime',
    ...(c.exemplars === 'derivedBucket' ? ['`Exemplars.Bucket` AS exBucket'] : []),
  ];
  const rowTime = c.final ? 'WindowEnd' : 'TimeUnix';
  const filters = matcherSql(q.matchers, params);
  const prefilter = matcherPrefilter(c, q.matchers, params).map((cond) => `\n    AND ${cond}`);
  const rows = await sql.query<{ lbl: [string, string][]; ex: [string, string, number | string, number | string][] }>(
    `SELECT arraySort(arrayZip(mapKeys(lm), mapValues(lm))) AS lbl, groupArray(${PER_SERIES})((tid, sid, val, t)) AS ex
FROM (
  SELECT mapFilter((k, v) -> v != '', CAST(${labels}, 'Map(String, String)')) AS lm,
    exTrace AS tid, exSpan AS sid, exValue AS val, toUnixTimestamp64Milli(exTime) AS t
  FROM ${tableSql(c)} ARRAY JOIN ${columns.join(', ')}
  WHERE Tenant = {tenant:String} AND ${c.where.length ? `${c.where.join(' AND ')} AND ` : ''}
    ${rowTime} >= fromUnixTimestamp64Milli({startMs:Int64}) - INTERVAL 1 HOUR
    AND ${rowTime} <= fromUnixTimestamp64Milli({endMs:Int64}) + INTERVAL 1 HOUR
    AND exTime >= fromUnixTimestamp64Milli({startMs:Int64}) AND exTime <= fromUnixTimestamp64Milli({endMs:Int64})
    AND exTrace != ''${prefilter.join('')}
  ORDER BY exTime DESC
)${filters.length ? `\nWHERE ${filters.join(' AND ')}` : ''}
GROUP BY lbl
LIMIT ${q.maxSeries + 1}`,
    params,
    { maxRows: q.maxSeries + 1, maxExecutionSeconds: Math.max(1, Math.ceil(q.timeoutMs / 1000)) },
  );
  const out = rows.map((r) => ({
    labels: { __name__: c.name, ...Object.fromEntries(r.lbl) },
    exemplars: r.ex
      .map(([traceId, spanId, value, t]) => ({ traceId, spanId, value: Number(value), timeMs: Number(t) }))
      .sort((a, b) => a.timeMs - b.timeMs),
  }));
  const dropped = await droppedTraces(
    sql,
    out.flatMap((s) => s.exemplars.map((e) => e.traceId)),
  );
  return out
    .map((s) => ({ ...s, exemplars: s.exemplars.filter((e) => !dropped.has(e.traceId)) }))
    .filter((s) => s.exemplars.length > 0);
}

/** Trace ids whose sampling decision was to drop them. */
async function droppedTraces(sql: Sql, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await sql.query<{ TraceId: string }>(
    `SELECT TraceId FROM sampling_decisions WHERE TraceId IN {ids:Array(String)}
GROUP BY TraceId HAVING argMin(Decision, DecidedAt) = 'drop'`,
    { ids: [...new Set(ids)] },
  );
  return new Set(rows.map((r) => r.TraceId));
}
