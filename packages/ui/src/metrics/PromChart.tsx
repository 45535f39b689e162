// One chart of one or more PromQL (or TraceQL metrics) queries over the page's range, with
// exemplars as points that open their trace.
import { useEffect, useMemo, useState } from 'react';
import { type Mark, type SeriesSpec, TimeSeries } from '../charts/TimeSeries';
import type { Unit } from '../charts/units';
import { Loading } from '../components';
import { navigate } from '../router';
import { zoomTo } from '../views/TimeRange';
import {
  type ExemplarSeries,
  type MatrixSeries,
  queryExemplars,
  queryRange,
  seriesName,
  stepFor,
  toGrid,
} from './prom';
import { type TraceExemplar, traceqlRange, traceqlSeriesName } from './traceql';

export interface PromQuery {
  expr: string;
  /** Legend template (`{{label}}`) or a fixed name. */
  legend?: string;
  /** `traceql`: a TraceQL metrics query (`{ status = error } | rate() by (resource.service.name)`). */
  language?: 'promql' | 'traceql';
}

const isTraceQL = (q: PromQuery) => q.language === 'traceql';

/** Exemplars a TraceQL query asks for: enough to find a spike's traces, few enough to see the lines. */
const TRACEQL_EXEMPLARS = 40;

/** A point that opens the trace (and span) behind a value. */
const traceMark = (traceId: string, spanId: string, t: number, v: number): Mark => ({
  t,
  v,
  color: 'var(--critical)',
  title: `trace ${traceId}`,
  onClick: () => navigate(`/trace/${traceId}${spanId ? `?span=${spanId}` : ''}`),
});

function uniqueExemplars(series: (ExemplarSeries | undefined)[]): ExemplarSeries[] {
  const seen = new Set<string>();
  return series.filter((s): s is ExemplarSeries => {
    if (!s) return false;
    const key = JSON.stringify(s.seriesLabels);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const PALETTE = [
  '#2457c5',
  '#e08a00',
  '#2e9d55',
  '#d6336c',
  '#7a3ff2',
  '#0096a6',
  '#8c6d1f',
  '#c62828',
  '#5b6475',
  '#1b998b',
];

export function PromChart({
  queries,
  start,
  end,
  unit,
  height = 180,
  exemplars = false,
  testid = 'prom-chart',
  tick = 0,
}: {
  queries: PromQuery[];
  start: number;
  end: number;
  unit: Unit;
  height?: number;
  exemplars?: boolean;
  testid?: string;
  tick?: number;
}) {
  const step = stepFor(start, end);
  // Steps on multiples of the step: the grid does not move with the range's start.
  const from = Math.floor(start / step) * step;
  // The last step at or after the end, so the newest samples have a point.
  const to = Math.ceil(end / step) * step;
  const [data, setData] = useState<{ results: MatrixSeries[][]; marks: Mark[] } | null>(null);
  const [error, setError] = useState('');
  const key = JSON.stringify(queries);
  // biome-ignore lint/correctness/useExhaustiveDependencies: key lists the queries; tick re-reads on auto-refresh
  useEffect(() => {
    const ac = new AbortController();
    setError('');
    // A TraceQL count over a step still running is a false drop at the end of every line: only
    // steps that have ended are asked for (the PromQL side leaves a step without data empty).
    const ended = Math.min(to, Math.floor(Date.now() / 1000 / step) * step);
    Promise.all([
      Promise.all(
        queries.map((q) =>
          isTraceQL(q)
            ? traceqlRange(q.expr, { start: from, end: ended, step }, exemplars ? TRACEQL_EXEMPLARS : 0, ac.signal)
            : queryRange(q.expr, from, to, step, ac.signal).then((r) => ({
                matrix: r.result,
                exemplars: [] as TraceExemplar[],
              })),
        ),
      ),
      exemplars
        ? Promise.all(
            queries
              .filter((q) => !isTraceQL(q))
              .map((q) => queryExemplars(q.expr, from, to, ac.signal).catch(() => [])),
          )
        : Promise.resolve([]),
    ]).then(
      ([answers, ex]) =>
        setData({
          results: answers.map((a) => a.matrix),
          marks: [
            // The same exemplar answers each query of a chart (a histogram's three quantiles): once.
            ...uniqueExemplars(ex.flat()).flatMap((s) =>
              (s?.exemplars ?? [])
                .filter((e) => e.labels.trace_id)
                .map((e) => traceMark(e.labels.trace_id!, e.labels.span_id ?? '', e.timestamp, Number(e.value))),
            ),
            ...answers.flatMap((a) => a.exemplars.map((e) => traceMark(e.traceId, e.spanId, e.t, e.v))),
          ],
        }),
      (e) => {
        if (ac.signal.aborted) return;
        setData(null);
        setError(e.message);
      },
    );
    return () => ac.abort();
  }, [key, from, to, step, exemplars, tick]);

  // Legends by value: callers pass new query arrays on every render.
  const legends = queries.map((q) => q.legend ?? '').join('\u0000');
  const languages = queries.map((q) => q.language ?? 'promql').join(',');
  const grid = useMemo(() => {
    const names = legends.split('\u0000');
    const traceql = languages.split(',').map((l) => l === 'traceql');
    if (!data) return null;
    const series: SeriesSpec[] = [];
    let times: number[] = [];
    data.results.forEach((result, qi) => {
      const g = toGrid(result, from, to, step);
      times = g.times;
      for (const s of g.series)
        series.push({
          label: traceql[qi] && !names[qi] ? traceqlSeriesName(s.labels) : seriesName(s.labels, names[qi] || undefined),
          color: PALETTE[series.length % PALETTE.length],
          values: s.values,
        });
    });
    return { times, series };
  }, [data, from, to, step, legends, languages]);

  if (error)
    return (
      <div className="err small" data-testid="prom-error">
        {error}
      </div>
    );
  if (!grid) return <Loading what="series" />;
  if (!grid.series.length) return <div className="muted small">No data in this range.</div>;
  return (
    <TimeSeries
      testid={testid}
      times={grid.times}
      series={grid.series}
      unit={unit}
      range={{ start, end: to }}
      height={height}
      marks={data?.marks}
      onRange={zoomTo}
    />
  );
}
