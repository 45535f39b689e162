import type { MetricsQuery } from '@tracehouse/traceql';
import type { QueryLimits, Sql } from '../client';
import { Params } from '../search/params';
import { SEARCH_LIMITS, spanScopeFilter } from '../search/search';
import { compileMetrics, fieldLabel } from './compile';

export interface MetricsRange {
  /** Only this tenant's spans are counted. */
  tenant: string;
  query: MetricsQuery;
  /** Unix seconds; buckets are [t, t + step) from `origin` on, while t < end. */
  origin: number;
  end: number;
  /** Seconds, a whole number. */
  step: number;
  /** Unix seconds: now, which decides what the recent window still holds (injected for tests). */
  now: number;
  /** At most this many exemplars (spans behind the values) in the answer; none when 0 or absent. */
  exemplars?: number;
  limits?: QueryLimits;
}

/** A span behind a series' value: Tempo's exemplar (its start time, and the value it stands for). */
export interface MetricsExemplar {
  traceId: string;
  spanId: string;
  timeMs: number;
  value: number;
}

/** A series label: Tempo's key, the value as a string, and its attribute type ('' for a string). */
export interface MetricsLabel {
  key: string;
  value: string;
  type: '' | 'int' | 'double' | 'bool';
}

export interface MetricsSeries {
  labels: MetricsLabel[];
  /**
   * Bucket starts (Unix ms) and values, oldest first. Counts (rate, count_over_time,
   * histogram_over_time) have every bucket of the range, 0 without spans; the others only
   * buckets with a value.
   */
  samples: { timeMs: number; value: number }[];
  /** The slowest span of some of the steps, oldest first (only when exemplars were asked for). */
  exemplars: MetricsExemplar[];
}

/** Bounds of one metrics query: past them it is refused (422), never truncated. */
export const METRICS_LIMITS = {
  /** Buckets per series. */
  maxBuckets: 2000,
  /** Series in one answer (Tempo's `max_response_series` default). */
  maxSeries: 1000,
  /** Samples in one answer, all series together. */
  maxSamples: 200_000,
  /** Exemplars in one answer (Tempo's maximum). */
  maxExemplars: 100,
};

/** A query whose answer would pass METRICS_LIMITS (answered 422). */
export class MetricsLimitError extends Error {
  override readonly name = 'MetricsLimitError';
}

/** A step `b`, the group keys `g0`, `t0` (value, type), ..., the histogram bucket and the value. */
type Row = {
  b: number | string;
  hb: number | null;
  v: number | number[];
  /** The step's slowest span: trace id, span id, start (ms), its value (null for counts). */
  ex?: [string, string, number | string, number | null];
} & Record<string, unknown>;

/**
 * The spans a metrics query reads, as tracehouse holds them: the recent window
 * (`spans_recent`) has every span, so the part of the range it still covers is read there at
 * weight 1; the older part is read from the kept traces (`spans`), each span weighted by its
 * AdjustedCount (1 / keep probability), which estimates 100% of the traffic. The two parts
 * meet at one cut, so no span is counted twice.
 */
export function splitAtRecent(origin: number, end: number, now: number, recentSeconds: number) {
  // Spans ingested since now - recentSeconds are all there; a span is ingested after it starts.
  const cut = Number.isFinite(recentSeconds) ? Math.floor(now - recentSeconds) : origin;
  const c = Math.min(Math.max(cut, origin), end);
  return {
    kept: c > origin ? { from: origin, to: c } : null,
    recent: end > c ? { from: c, to: end } : null,
  };
}

/** The SQL of a metrics query. */
function metricsRangeSql(r: MetricsRange, recentSeconds: number): { sql: string; params: Record<string, unknown> } {
  const buckets = Math.ceil((r.end - r.origin) / r.step);
  if (buckets > METRICS_LIMITS.maxBuckets) {
    throw new MetricsLimitError(
      `the range holds ${buckets} steps; at most ${METRICS_LIMITS.maxBuckets} are allowed: widen the step`,
    );
  }
  const p = new Params();
  const c = compileMetrics(r.query, p, p.add(r.step, 'Float64'));
  const origin = p.add(r.origin * 1000, 'Int64');
  const stepMs = p.add(r.step * 1000, 'Int64');
  const value = c.value ?? 'NULL';
  const split = splitAtRecent(r.origin, r.end, r.now, recentSeconds);
  // Separate key columns: grouping by plain strings measured faster than by one array of tuples.
  const keys = c.groups.flatMap((g, i) => [`${g.value} AS g${i}`, `${g.type} AS t${i}`]);
  const keyNames = c.groups.flatMap((_, i) => [`g${i}`, `t${i}`]);
  // Exemplars read the ids of every matching span: only when asked for.
  const exemplars = (r.exemplars ?? 0) > 0;
  const exemplarColumns = exemplars
    ? ', TraceId AS tid, SpanId AS sid, toUnixTimestamp64Milli(Timestamp) AS tms, Duration AS d'
    : '';
  const branch = (table: string, weight: string, slice: { from: number; to: number }) =>
    `SELECT intDiv(toUnixTimestamp64Milli(Timestamp) - ${origin}, ${stepMs}) AS b,${keys.map((k) => ` ${k},`).join('')}
  toFloat64(${weight}) AS w, ${value} AS x${c.bucket ? `, ${c.bucket} AS hb` : ', NULL AS hb'}${exemplarColumns}
FROM ${table}
WHERE ${spanScopeFilter(p, r.tenant, { ...slice, toInclusive: false })}
  AND (${c.filter})`;
  const branches = [
    split.kept && branch('spans', 'AdjustedCount', split.kept),
    split.recent && branch('spans_recent', '1', split.recent),
  ].filter((b): b is string => Boolean(b));
  const group = ['b', ...keyNames, 'hb'].join(', ');
  const sql = `SELECT ${group}, ${c.aggregate} AS v${exemplars ? ', argMax((tid, sid, tms, x), d) AS ex' : ''}
FROM (
${branches.join('\nUNION ALL\n')}
)${c.value ? '\nWHERE x IS NOT NULL' : ''}
GROUP BY ${group}
LIMIT ${p.add(METRICS_LIMITS.maxSamples + 1, 'UInt32')}`;
  return { sql, params: p.values };
}

/** A TraceQL metrics query over a range, one series per group (and quantile or histogram bucket). */
export async function queryMetricsRange(sql: Sql, r: MetricsRange, recentSeconds: number): Promise<MetricsSeries[]> {
  const q = metricsRangeSql(r, recentSeconds);
  const rows = await sql.query<Row>(q.sql, q.params, {
    ...SEARCH_LIMITS,
    ...r.limits,
    maxRows: METRICS_LIMITS.maxSamples + 1,
  });
  return toSeries(rows, r);
}

function toSeries(rows: Row[], r: MetricsRange): MetricsSeries[] {
  const m = r.query.metrics;
  const labelsOf = (row: Row): MetricsLabel[] => {
    const out: MetricsLabel[] = [];
    m.by.forEach((f, i) => {
      const value = row[`g${i}`];
      // A span without the attribute: no label (Tempo's nil), like a series without the key.
      if (value !== null && value !== undefined) {
        out.push({ key: fieldLabel(f), value: String(value), type: labelType(String(row[`t${i}`])) });
      }
    });
    if (row.hb !== null) out.push({ key: '__bucket', value: String(Number(row.hb)), type: 'double' });
    return out;
  };
  const series = new Map<string, MetricsSeries>();
  let samples = 0;
  const add = (labels: MetricsLabel[], b: number, value: number): MetricsSeries | undefined => {
    if (!Number.isFinite(value)) return undefined;
    const named = labels.length ? labels : [{ key: '__name__', value: m.fn, type: '' as const }];
    const id = JSON.stringify(named);
    let s = series.get(id);
    if (!s) {
      if (series.size === METRICS_LIMITS.maxSeries) {
        throw new MetricsLimitError(
          `the query has more than ${METRICS_LIMITS.maxSeries} series: filter more or group by fewer attributes`,
        );
      }
      s = { labels: named, samples: [], exemplars: [] };
      series.set(id, s);
    }
    s.samples.push({ timeMs: (r.origin + b * r.step) * 1000, value });
    samples++;
    return s;
  };
  /** Tempo's exemplar values: the span's own value, or for a count the count it is part of. */
  const exemplar = (s: MetricsSeries | undefined, ex: NonNullable<Row['ex']>, value: number) =>
    s?.exemplars.push({ traceId: ex[0], spanId: ex[1], timeMs: Number(ex[2]), value });
  if (rows.length > METRICS_LIMITS.maxSamples) {
    throw new MetricsLimitError(`the answer has more than ${METRICS_LIMITS.maxSamples} samples: widen the step`);
  }
  for (const row of rows) {
    const b = Number(row.b);
    const labels = labelsOf(row);
    if (Array.isArray(row.v)) {
      const values = row.v;
      const added = values.map((v, i) =>
        add([...labels, { key: 'p', value: String(m.quantiles[i]), type: 'double' }], b, Number(v)),
      );
      // A quantile's exemplar goes to the one quantile series nearest its value, as in Tempo.
      if (row.ex && row.ex[3] !== null) {
        const x = Number(row.ex[3]);
        const distance = (v: number) => Math.abs(Number(v) - x);
        const nearest = values.reduce((best, v, i) => (distance(v) < distance(values[best]!) ? i : best), 0);
        exemplar(added[nearest], row.ex, x);
      }
    } else {
      const s = add(labels, b, Number(row.v));
      if (row.ex) exemplar(s, row.ex, row.ex[3] === null ? Number(row.v) : Number(row.ex[3]));
    }
  }
  const out = [...series.values()];
  // A count in a step without spans is 0, as Tempo answers it (a line, not isolated points);
  // min, max, avg, sum and quantiles of no spans have no value.
  const counts = m.fn === 'rate' || m.fn === 'count_over_time' || m.fn === 'histogram_over_time';
  const buckets = Math.ceil((r.end - r.origin) / r.step);
  if (counts) samples = out.length * buckets;
  if (samples > METRICS_LIMITS.maxSamples) {
    throw new MetricsLimitError(`the answer has more than ${METRICS_LIMITS.maxSamples} samples: widen the step`);
  }
  for (const s of out) {
    if (counts) {
      const seen = new Set(s.samples.map((p) => p.timeMs));
      for (let b = 0; b < buckets; b++) {
        const timeMs = (r.origin + b * r.step) * 1000;
        if (!seen.has(timeMs)) s.samples.push({ timeMs, value: 0 });
      }
    }
    s.samples.sort((a, b) => a.timeMs - b.timeMs);
  }
  // The budget shared by the series: evenly, and at least one each while it lasts.
  let budget = Math.min(r.exemplars ?? 0, METRICS_LIMITS.maxExemplars);
  const perSeries = Math.max(1, Math.floor(budget / Math.max(1, out.length)));
  for (const s of out) {
    s.exemplars = spread(s.exemplars, Math.min(perSeries, budget));
    budget -= s.exemplars.length;
  }
  return out.sort((a, b) => (JSON.stringify(a.labels) < JSON.stringify(b.labels) ? -1 : 1));
}

/** At most `k` exemplars, oldest first, evenly spread over time. */
function spread(exemplars: MetricsExemplar[], k: number): MetricsExemplar[] {
  if (k <= 0) return [];
  const sorted = exemplars.sort((a, b) => a.timeMs - b.timeMs);
  if (sorted.length <= k) return sorted;
  return Array.from({ length: k }, (_, i) => sorted[Math.floor((i * sorted.length) / k)]!);
}

const labelType = (t: string): MetricsLabel['type'] => (t === 'int' || t === 'double' || t === 'bool' ? t : '');
