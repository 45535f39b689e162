import type { Field, MetricsAggregate, MetricsQuery } from '@tracehouse/traceql';
import { type CompiledQuery, compileQuery, numericField, selectField } from '../search/compile';
import type { Params } from '../search/params';

/**
 * Lowers the metrics stage of a TraceQL metrics query to SQL pieces over one span table: the
 * span filter (the search's own compiler), the value aggregated, the group keys of `by (...)`
 * and the aggregate over weighted rows. Every value from the query is a bound parameter, except
 * quantile levels, which ClickHouse takes as literals only (validated numbers in [0, 1]).
 */

/** A metrics query tracehouse cannot evaluate (yet): answered 400 with the reason. */
export class MetricsQueryError extends Error {
  override readonly name = 'MetricsQueryError';
}

export interface CompiledMetrics {
  /** The span filter (one boolean over a row). */
  filter: string;
  /** The aggregated value per span (seconds for durations), or null for rate and count_over_time. */
  value: string | null;
  /** The `by` keys: per field, its value as a string (NULL when the span lacks it) and its attribute type. */
  groups: { value: string; type: string }[];
  /** histogram_over_time's bucket (upper bound) per span, or null. */
  bucket: string | null;
  /** The aggregate over rows with columns `w` (weight) and `x` (value); an array for quantiles. */
  aggregate: string;
}

/** A field's name as written: Tempo's series label key (`resource.service.name`, `.x`, `name`). */
export function fieldLabel(f: Field): string {
  return f.kind === 'intrinsic' ? f.name : `${f.scope === 'any' ? '' : f.scope}.${f.key}`;
}

/** Intrinsics that need the per-trace summary, which metrics do not join. */
const TRACE_LEVEL = new Set(['trace:duration', 'trace:rootName', 'trace:rootService']);

function checkSupported(q: MetricsQuery, c: CompiledQuery): void {
  if (c.having !== null) throw new MetricsQueryError('metrics over combined spansets ({A} && {B}) are not supported');
  if (c.aggregates.length > 0) throw new MetricsQueryError('metrics after count()/avg() stages are not supported');
  if (c.needsTraceSummary) {
    throw new MetricsQueryError(
      'metrics over trace-level intrinsics (trace:duration, trace:rootName, ...) are not supported',
    );
  }
  for (const f of [q.metrics.field, ...q.metrics.by]) {
    if (f?.kind === 'intrinsic' && TRACE_LEVEL.has(f.name)) {
      throw new MetricsQueryError(`${q.metrics.fn}() cannot use the trace-level intrinsic ${f.name}`);
    }
  }
}

function groupKey(f: Field, p: Params): { value: string; type: string } {
  // The service name has its own column: no read of the resource attribute map.
  if (f.kind === 'attribute' && f.scope === 'resource' && f.key === 'service.name') {
    return { value: 'ServiceName', type: "''" };
  }
  const s = selectField(f, p);
  return { value: `CAST(${s.value} AS Nullable(String))`, type: `toString(${s.type})` };
}

function aggregatedValue(m: MetricsAggregate, p: Params): string | null {
  if (m.field === null) return null;
  if (m.field.kind === 'intrinsic' && m.field.name === 'duration') return 'Duration / 1e9';
  return numericField(m.field, p);
}

/** A quantile level as a SQL literal: ClickHouse does not take parameters there. */
const level = (q: number): string => {
  if (!(Number.isFinite(q) && q >= 0 && q <= 1)) throw new MetricsQueryError(`quantile ${q} is not in [0, 1]`);
  return String(q);
};

/** x rounded to the nearest 2^(k/64), sign kept; 0 stays 0. */
const LOG_ROUNDED = 'if(x = 0, 0, sign(x) * pow(2, round(log2(abs(x)) * 64) / 64))';

function aggregateOf(m: MetricsAggregate, stepSeconds: string): string {
  switch (m.fn) {
    case 'rate':
      return `sum(w) / ${stepSeconds}`;
    case 'count_over_time':
    case 'histogram_over_time':
      return 'sum(w)';
    case 'min_over_time':
      return 'min(x)';
    case 'max_over_time':
      return 'max(x)';
    case 'avg_over_time':
      return 'sum(x * w) / sum(w)';
    case 'sum_over_time':
      return 'sum(x * w)';
    case 'quantile_over_time':
      // Exact weighted quantiles of the value rounded to 1/64 of a power of two (within 0.55%,
      // as a DDSketch would): a bucket then holds at most a few thousand distinct values, so
      // memory stays bounded however many spans it counts. A t-digest was tried first: it
      // interpolates between centroids, and a kept span weighing 20 became a centroid that
      // pulled a weighted p90 of 0.1 s to 1.4 s. Weights in hundredths keep 1/0.3 exact enough.
      return `quantilesExactWeighted(${m.quantiles.map(level).join(', ')})(${LOG_ROUNDED}, toUInt64(round(w * 100)))`;
  }
}

export function compileMetrics(q: MetricsQuery, p: Params, stepSeconds: string): CompiledMetrics {
  const c = compileQuery(q, p);
  checkSupported(q, c);
  const m = q.metrics;
  const value = aggregatedValue(m, p);
  const keys = m.by.map((f) => groupKey(f, p));
  // Tempo's histogram buckets are powers of two of the value (of nanoseconds for a duration).
  const durationField = m.field?.kind === 'intrinsic' && m.field.name === 'duration';
  const bucket =
    m.fn !== 'histogram_over_time'
      ? null
      : durationField
        ? 'if(Duration > 0, pow(2, ceil(log2(Duration))) / 1e9, 0)'
        : 'if(x > 0, pow(2, ceil(log2(x))), 0)';
  return {
    filter: c.anyFilter,
    value,
    groups: keys,
    bucket,
    aggregate: aggregateOf(m, stepSeconds),
  };
}
