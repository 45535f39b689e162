// Metrics explorer (/explore; /metrics is the server's own exposition): find a metric by name, read its type, unit and description,
// filter and group by its labels and get the default chart for its type; or write PromQL.
// Everything is in the URL: metric, f (label=value, repeated), by, expr, and the time range.
import { useEffect, useMemo, useState } from 'react';
import { type Unit, unitOf } from '../charts/units';
import { Problem } from '../components';
import { navigate, setParams, withParams } from '../router';
import { TimeRangePicker, useTimeRange } from '../views/TimeRange';
import { PromChart, type PromQuery } from './PromChart';
import { type Labels, labelValues, type MetricMetadata, metadata, rateWindow, seriesOf, stepFor } from './prom';
import { defaultQueries, type Selection } from './queries';
import { PROMQL_FUNCTIONS, SuggestInput } from './Suggest';
import './metrics.css';

/** A name's metadata: Prometheus keys a counter's family without its `_total`. */
function metaOf(meta: Record<string, MetricMetadata[]>, name: string): MetricMetadata | undefined {
  return meta[name]?.[0] ?? meta[name.replace(/_total$/, '')]?.[0];
}

/** Series names, with a histogram's _bucket, _sum and _count shown as its one family name. */
export function metricNames(names: string[], meta: Record<string, MetricMetadata[]>): string[] {
  const out = new Set<string>();
  for (const n of names) {
    const base = n.replace(/_(bucket|sum|count)$/, '');
    out.add(base !== n && meta[base]?.[0]?.type === 'histogram' ? base : n);
  }
  return [...out].sort();
}

function readFilters(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of params.getAll('f')) {
    const i = f.indexOf('=');
    if (i > 0) out[f.slice(0, i)] = f.slice(i + 1);
  }
  return out;
}

function urlWith(changes: { f?: Record<string, string>; by?: string[] }): string {
  const u = new URL(location.href);
  if (changes.f) {
    u.searchParams.delete('f');
    for (const [k, v] of Object.entries(changes.f)) u.searchParams.append('f', `${k}=${v}`);
  }
  if (changes.by) {
    if (changes.by.length) u.searchParams.set('by', changes.by.join(','));
    else u.searchParams.delete('by');
  }
  return u.pathname + u.search;
}

export function ExplorerView({ params }: { params: URLSearchParams }) {
  const { start, end: rangeEnd, tick } = useTimeRange(params);
  const end = useMemo(() => Math.min(rangeEnd, Math.ceil(Date.now() / 1000)), [rangeEnd]);
  const metric = params.get('metric') ?? '';
  const expr = params.get('expr') ?? '';
  const filters = readFilters(params);
  const groupBy = (params.get('by') ?? '').split(',').filter(Boolean);
  const [rawNames, setRawNames] = useState<string[] | null>(null);
  const [meta, setMeta] = useState<Record<string, MetricMetadata[]>>({});
  const names = useMemo(() => (rawNames ? metricNames(rawNames, meta) : null), [rawNames, meta]);
  const [problem, setProblem] = useState('');
  const [series, setSeries] = useState<Labels[] | null>(null);
  const [metricText, setMetricText] = useState(metric);
  const [exprText, setExprText] = useState(expr);
  useEffect(() => setMetricText(metric), [metric]);
  useEffect(() => setExprText(expr), [expr]);

  useEffect(() => {
    const ac = new AbortController();
    labelValues('__name__', { start, end }, ac.signal).then(setRawNames, (e) => {
      if (!ac.signal.aborted) {
        setRawNames([]);
        setProblem(e.message);
      }
    });
    metadata(ac.signal).then(setMeta, () => {});
    return () => ac.abort();
  }, [start, end]);

  const m = metaOf(meta, metric);
  // A histogram's series are its _bucket, _sum and _count.
  const seriesName = m?.type === 'histogram' ? `${metric}_count` : metric;
  useEffect(() => {
    if (!metric) return setSeries(null);
    const ac = new AbortController();
    seriesOf([seriesName], start, end, ac.signal).then(setSeries, () => setSeries([]));
    return () => ac.abort();
  }, [seriesName, metric, start, end]);

  const labels = useMemo(() => {
    const out = new Map<string, Set<string>>();
    for (const s of series ?? [])
      for (const [k, v] of Object.entries(s)) {
        if (k === '__name__') continue;
        if (!out.has(k)) out.set(k, new Set());
        out.get(k)!.add(v);
      }
    return [...out.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [series]);

  const window = rateWindow(stepFor(start, end));
  const fkey = JSON.stringify(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: fkey stands for the filters
  const queries: PromQuery[] = useMemo(
    () =>
      expr ? [{ expr }] : metric ? defaultQueries({ metric, filters, groupBy } satisfies Selection, m, window) : [],
    [expr, metric, fkey, groupBy.join(','), m, window],
  );
  const unit: Unit = expr ? 'short' : m?.type === 'counter' ? 'perSecond' : unitOf(metric, m?.unit);
  const words = useMemo(() => [...(names ?? []), ...labels.map(([k]) => k), ...PROMQL_FUNCTIONS], [names, labels]);

  return (
    <div className="explorer">
      <div className="toolbar">
        <b>Metrics</b>
        <SuggestInput
          value={metricText}
          onChange={setMetricText}
          onSubmit={(v) => navigate(withParams({ metric: v.trim(), expr: undefined, f: undefined, by: undefined }), {})}
          words={names ?? []}
          placeholder="metric name"
          testid="metric-name"
        />
        <TimeRangePicker params={params} refresh />
        <span className="muted small">{names ? `${names.length} metrics` : 'loading metric names…'}</span>
      </div>
      {problem ? <Problem title="The Prometheus query API did not answer">{problem}</Problem> : null}
      <div className="toolbar">
        <SuggestInput
          value={exprText}
          onChange={setExprText}
          onSubmit={(v) => setParams({ expr: v.trim() || undefined }, false)}
          words={words}
          placeholder="PromQL, e.g. sum by (service_name) (rate(http_server_duration_count[5m]))"
          testid="promql"
          wide
        />
        <button type="button" onClick={() => setParams({ expr: exprText.trim() || undefined }, false)}>
          Run
        </button>
        {expr ? (
          <button type="button" onClick={() => setParams({ expr: undefined }, false)}>
            Back to the builder
          </button>
        ) : queries.length ? (
          <button type="button" onClick={() => setParams({ expr: queries[0].expr }, false)} title="edit as PromQL">
            Edit as PromQL
          </button>
        ) : null}
      </div>
      {metric && !expr ? (
        <div className="metric-info" data-testid="metric-info">
          <div>
            <b>{metric}</b> <span className="badge">{m?.type ?? 'unknown type'}</span>
            {m?.unit ? <span className="badge">unit {m.unit}</span> : null}{' '}
            <span className="muted">{m?.help || 'no description'}</span>
          </div>
          <div className="label-pickers">
            {labels.map(([k, values]) => (
              <label key={k} className="label-picker">
                <input
                  type="checkbox"
                  aria-label={`group by ${k}`}
                  checked={groupBy.includes(k)}
                  onChange={(e) =>
                    navigate(urlWith({ by: e.target.checked ? [...groupBy, k] : groupBy.filter((g) => g !== k) }), {
                      replace: false,
                    })
                  }
                />{' '}
                {k}
                <select
                  aria-label={`filter ${k}`}
                  value={filters[k] ?? ''}
                  onChange={(e) => {
                    const f = { ...filters };
                    if (e.target.value) f[k] = e.target.value;
                    else delete f[k];
                    navigate(urlWith({ f }));
                  }}
                >
                  <option value="">any</option>
                  {[...values].sort().map((v) => (
                    <option key={v} value={v}>
                      {v}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
        </div>
      ) : null}
      {queries.length ? (
        <div className="panel">
          <div className="muted small query-line" data-testid="explorer-query">
            {queries.map((q) => q.expr).join('  ·  ')}
          </div>
          <PromChart
            queries={queries}
            start={start}
            end={end}
            unit={unit}
            height={320}
            exemplars
            tick={tick}
            testid="explorer-chart"
          />
        </div>
      ) : !problem ? (
        <div className="muted">
          Pick a metric by name, or write PromQL. Exemplars are drawn as diamonds; a click opens their trace.
        </div>
      ) : null}
    </div>
  );
}
