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
type TempoLabels = { key: string; value: TempoValue }[];
export interface TempoSeries {
  labels: TempoLabels;
  samples: { timestampMs: string; value: number }[];
  exemplars?: { labels: TempoLabels; value: number; timestampMs: string }[];
}
/** A span behind a value: its trace, when it started (Unix seconds) and the value it stands for. */
export interface TraceExemplar {
  traceId: string;
  spanId: string;
  t: number;
  v: number;
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

/** The exemplars of every series, with their trace and span ids (Tempo's `trace:id`, `span:id`). */
export function toExemplars(series: TempoSeries[]): TraceExemplar[] {
  return series.flatMap((s) =>
    (s.exemplars ?? []).flatMap((e) => {
      const label = (key: string) => e.labels.find((l) => l.key === key)?.value.stringValue ?? '';
      const traceId = label('trace:id');
      return traceId ? [{ traceId, spanId: label('span:id'), t: Number(e.timestampMs) / 1000, v: e.value }] : [];
    }),
  );
}

/** A series named as Grafana names TraceQL metrics: the value of a single label, else `{k=v, ...}`. */
export function traceqlSeriesName(m: Labels): string {
  const entries = Object.entries(m);
  if (entries.length === 1) return entries[0]![1];
  return `{${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

/** A TraceQL metrics query over a range, as a matrix, with up to `exemplars` exemplars. */
export function traceqlRange(
  q: string,
  range: { start: number; end: number; step: number },
  exemplars: number,
  signal?: AbortSignal,
): Promise<{ matrix: MatrixSeries[]; exemplars: TraceExemplar[] }> {
  const params = { q, ...range, exemplars: exemplars || undefined };
  const path = '/tempo/api/metrics/query_range';
  return inFlight.get(
    `${path}?${JSON.stringify(params)}`,
    async () => {
      try {
        const { series } = await getJson<{ series: TempoSeries[] }>(path, params);
        return { matrix: toMatrix(series), exemplars: toExemplars(series) };
      } catch (e) {
        // Tempo's errors are plain text (a parse error with its position): shown as they are.
        if (e instanceof ApiError && typeof e.body === 'string' && e.body) throw new ApiError(e.status, e.body, e.body);
        throw e;
      }
    },
    signal,
  );
}
