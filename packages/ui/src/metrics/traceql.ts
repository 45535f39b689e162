// TraceQL metrics (/tempo/api/metrics/query_range, Tempo's shape) as the PromQL charts take them:
// a TraceQL panel is drawn by the same chart, from the same matrix.
import { ApiError, getJson } from '../api';
import { InFlight } from './inFlight';
import type { Labels, MatrixSeries } from './prom';

interface TempoValue {
  stringValue?: string;
  intValue?: string;
  doubleValue?: number;
  boolValue?: boolean;
}
export interface TempoSeries {
  labels: { key: string; value: TempoValue }[];
  samples: { timestampMs: string; value: number }[];
}

const inFlight = new InFlight();

const text = (v: TempoValue): string =>
  v.stringValue ?? v.intValue ?? (v.doubleValue !== undefined ? String(v.doubleValue) : String(v.boolValue ?? ''));

/** Tempo's series as a Prometheus matrix: labels by key, [Unix seconds, value] samples. */
export function toMatrix(series: TempoSeries[]): MatrixSeries[] {
  return series.map((s) => ({
    metric: Object.fromEntries(s.labels.map((l) => [l.key, text(l.value)])),
    values: s.samples.map((p) => [Number(p.timestampMs) / 1000, String(p.value)] as [number, string]),
  }));
}

/** A series named as Grafana names TraceQL metrics: the value of a single label, else `{k=v, ...}`. */
export function traceqlSeriesName(m: Labels): string {
  const entries = Object.entries(m);
  if (entries.length === 1) return entries[0]![1];
  return `{${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

export function traceqlRange(q: string, start: number, end: number, step: number, signal?: AbortSignal) {
  const params = { q, start, end, step };
  const path = '/tempo/api/metrics/query_range';
  return inFlight.get(
    `${path}?${JSON.stringify(params)}`,
    async () => {
      try {
        return toMatrix((await getJson<{ series: TempoSeries[] }>(path, params)).series);
      } catch (e) {
        // Tempo's errors are plain text (a parse error with its position): shown as they are.
        if (e instanceof ApiError && typeof e.body === 'string' && e.body) throw new ApiError(e.status, e.body, e.body);
        throw e;
      }
    },
    signal,
  );
}
