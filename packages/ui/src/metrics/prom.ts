// The Prometheus HTTP API (/prometheus/api/v1/...), as Prometheus documents it: every answer
// is { status, data }; errors carry { errorType, error } (shown to the user as they are).
import { getJson, type Query, qs } from '../api';
import { InFlight } from './inFlight';

const BASE = '/prometheus/api/v1';

export type Labels = Record<string, string>;
export interface MatrixSeries {
  metric: Labels;
  values: [number, string][];
}
export interface MetricMetadata {
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown' | string;
  help: string;
  unit: string;
}
export interface ExemplarSeries {
  seriesLabels: Labels;
  exemplars: { labels: Labels; value: string; timestamp: number }[];
}

const inFlight = new InFlight();

/** GET of one API route; identical ones in flight at once share a request (see InFlight). */
function prom<T>(path: string, params: Query, signal?: AbortSignal): Promise<T> {
  return inFlight.get(
    BASE + path + qs(params),
    async () => (await getJson<{ status: string; data: T }>(BASE + path, params)).data,
    signal,
  );
}

export const queryRange = (query: string, start: number, end: number, step: number, signal?: AbortSignal) =>
  prom<{ resultType: string; result: MatrixSeries[] }>('/query_range', { query, start, end, step }, signal);

export const labelValues = (
  name: string,
  params: { match?: string[]; start?: number; end?: number },
  signal?: AbortSignal,
) =>
  prom<string[]>(
    `/label/${encodeURIComponent(name)}/values`,
    { 'match[]': params.match, start: params.start, end: params.end },
    signal,
  );

export const seriesOf = (match: string[], start: number, end: number, signal?: AbortSignal) =>
  prom<Labels[]>('/series', { 'match[]': match, start, end }, signal);

export const metadata = (signal?: AbortSignal) => prom<Record<string, MetricMetadata[]>>('/metadata', {}, signal);

export const queryExemplars = (query: string, start: number, end: number, signal?: AbortSignal) =>
  prom<ExemplarSeries[]>('/query_exemplars', { query, start, end }, signal);

/** About 240 points across the range, a whole number of seconds, at least 15 s. */
export function stepFor(start: number, end: number): number {
  return Math.max(15, Math.ceil((end - start) / 240));
}

/** The window of rate(): several steps and at least 5 minutes, so an OTLP export every 60 s has 4+ points. */
export function rateWindow(step: number): string {
  return `${Math.max(300, step * 4)}s`;
}

/** The series name as a legend shows it: `name{a="x", b="y"}`, or a template like `{{service_name}}`. */
export function seriesName(m: Labels, template?: string): string {
  if (template) return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, k: string) => m[k] ?? '');
  const { __name__: name = '', ...rest } = m;
  const inner = Object.entries(rest)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return inner ? `${name}{${inner}}` : name || 'value';
}

/** A matrix on the query's step grid: one times array, one value array per series (null = no sample). */
export function toGrid(
  result: MatrixSeries[],
  start: number,
  end: number,
  step: number,
): { times: number[]; series: { labels: Labels; values: (number | null)[] }[] } {
  const first = Math.ceil(start / step) * step;
  const times: number[] = [];
  for (let t = first; t <= end; t += step) times.push(t);
  const index = new Map(times.map((t, i) => [t, i]));
  return {
    times,
    series: result.map((s) => {
      const values: (number | null)[] = new Array(times.length).fill(null);
      for (const [t, v] of s.values) {
        const i = index.get(t) ?? index.get(Math.round(t / step) * step);
        const n = Number(v);
        if (i !== undefined && Number.isFinite(n)) values[i] = n;
      }
      return { labels: s.metric, values };
    }),
  };
}
