// The dashboard every service has without anyone building it (/dashboards/service/<name>): its
// RED per operation of every span kind (from every span, before sampling), its own OTLP
// metrics (the series whose job is the service), and its log volume by severity.
import { useEffect, useMemo, useState } from 'react';
import { getJson, type RedSeries } from '../api';
import { type SeriesSpec, TimeSeries } from '../charts/TimeSeries';
import { unitOf } from '../charts/units';
import { Loading } from '../components';
import { linkClick } from '../router';
import { RedPanel } from '../views/services/RedPanel';
import { readSelection } from '../views/services/selection';
import { TracesDrawer } from '../views/services/TracesDrawer';
import { TimeRangePicker, useTimeRange, zoomTo } from '../views/TimeRange';
import { PromChart } from './PromChart';
import { type MetricMetadata, metadata, rateWindow, seriesOf, stepFor } from './prom';
import { defaultQueries, quote } from './queries';
import './metrics.css';
import '../views/services/services.css';

const MAX_APP_METRICS = 12;
const SEVERITY_COLORS: Record<string, string> = {
  trace: '#9aa3b2',
  debug: '#5b6475',
  info: '#2457c5',
  warn: '#e08a00',
  error: '#c62828',
  fatal: '#7a1f1f',
};

export function ServiceDashboard({ service, params }: { service: string; params: URLSearchParams }) {
  const { start, end: rangeEnd, tick } = useTimeRange(params);
  const end = useMemo(() => Math.min(rangeEnd, Math.ceil(Date.now() / 1000)), [rangeEnd]);
  const range = useMemo(() => ({ start, end }), [start, end]);
  const [red, setRed] = useState<{ step: number; series: RedSeries[] } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick re-reads on auto-refresh
  useEffect(() => {
    const ac = new AbortController();
    getJson<{ step: number; series: RedSeries[] }>(
      '/api/v1/red',
      { groupBy: 'span_name', service, spanKind: 'all', start, end },
      ac.signal,
    ).then(setRed, () => !ac.signal.aborted && setRed({ step: 60, series: [] }));
    return () => ac.abort();
  }, [service, start, end, tick]);
  const sel = readSelection(params);
  return (
    <div className={sel ? 'with-drawer' : ''}>
      <div className="toolbar">
        <a href="/dashboards" onClick={linkClick}>
          Dashboards
        </a>{' '}
        › <b data-testid="dash-title">{service}</b> <span className="muted small">(automatic)</span>
        <TimeRangePicker params={params} refresh />
        <a href={`/services?service=${encodeURIComponent(service)}`} onClick={linkClick} className="small">
          operations and traces
        </a>
      </div>
      <h3>Operations (every span kind)</h3>
      {red === null ? (
        <Loading what="RED metrics" />
      ) : (
        <div className="panels" data-testid="red-panels">
          {red.series.map((s) => (
            <RedPanel key={`${s.service}|${s.spanName}`} s={s} step={red.step} range={range} />
          ))}
          {red.series.length === 0 ? <div className="muted">No spans of {service} in this range.</div> : null}
        </div>
      )}
      <h3>Application metrics</h3>
      <AppMetrics service={service} start={start} end={end} tick={tick} />
      <h3>Logs</h3>
      <LogVolume service={service} range={range} tick={tick} />
      {sel ? <TracesDrawer sel={sel} /> : null}
    </div>
  );
}

function AppMetrics({ service, start, end, tick }: { service: string; start: number; end: number; tick: number }) {
  const [names, setNames] = useState<string[] | null>(null);
  const [meta, setMeta] = useState<Record<string, MetricMetadata[]>>({});
  const [problem, setProblem] = useState('');
  useEffect(() => {
    const ac = new AbortController();
    Promise.all([seriesOf([`{job=${quote(service)}}`], start, end, ac.signal), metadata(ac.signal)]).then(
      ([series, md]) => {
        setMeta(md);
        const families = new Set<string>();
        for (const s of series) {
          const n = s.__name__ ?? '';
          const base = n.replace(/_(bucket|sum|count)$/, '');
          families.add(base !== n && md[base]?.[0]?.type === 'histogram' ? base : n);
        }
        setNames([...families].filter(Boolean).sort());
      },
      (e) => {
        if (ac.signal.aborted) return;
        setNames([]);
        setProblem(e.message);
      },
    );
    return () => ac.abort();
  }, [service, start, end]);
  if (problem) return <div className="muted small">Application metrics unavailable: {problem}</div>;
  if (names === null) return <Loading what="application metrics" />;
  if (!names.length) return <div className="muted">{service} sent no metrics in this range.</div>;
  const window = rateWindow(stepFor(start, end));
  return (
    <div className="dash-grid" data-testid="app-metrics">
      {names.slice(0, MAX_APP_METRICS).map((n) => {
        const m = meta[n]?.[0] ?? meta[n.replace(/_total$/, '')]?.[0];
        const queries = defaultQueries({ metric: n, filters: { job: service }, groupBy: [] }, m, window);
        return (
          <div className="panel dash-panel" key={n} data-testid="dash-panel">
            <h4>
              <a
                href={`/explore?metric=${encodeURIComponent(n)}&f=${encodeURIComponent(`job=${service}`)}`}
                onClick={linkClick}
              >
                {n}
              </a>
              <span className="muted small">{m?.type}</span>
            </h4>
            <PromChart
              queries={queries}
              start={start}
              end={end}
              unit={m?.type === 'counter' ? 'perSecond' : unitOf(n, m?.unit)}
              height={150}
              tick={tick}
            />
          </div>
        );
      })}
      {names.length > MAX_APP_METRICS ? (
        <div className="muted small">
          {names.length - MAX_APP_METRICS} more in the{' '}
          <a href={`/explore?f=${encodeURIComponent(`job=${service}`)}`} onClick={linkClick}>
            explorer
          </a>
          .
        </div>
      ) : null}
    </div>
  );
}

interface Histogram {
  step: number;
  buckets: ({ t: number } & Record<string, number>)[];
}

function LogVolume({ service, range, tick }: { service: string; range: { start: number; end: number }; tick: number }) {
  const [h, setH] = useState<Histogram | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick re-reads on auto-refresh
  useEffect(() => {
    const ac = new AbortController();
    getJson<Histogram>('/api/v1/logs/histogram', { service, start: range.start, end: range.end }, ac.signal).then(
      setH,
      () => !ac.signal.aborted && setH({ step: 60, buckets: [] }),
    );
    return () => ac.abort();
  }, [service, range.start, range.end, tick]);
  const series: SeriesSpec[] = useMemo(
    () =>
      Object.entries(SEVERITY_COLORS)
        .filter(([k]) => h?.buckets.some((b) => b[k]))
        .map(([k, color]) => ({
          label: k,
          color,
          values: (h?.buckets ?? []).map((b) => (b[k] ?? 0) / (h?.step ?? 1)),
        })),
    [h],
  );
  const times = useMemo(() => (h?.buckets ?? []).map((b) => b.t), [h]);
  if (!h) return <Loading what="log volume" />;
  if (!series.length) return <div className="muted">No logs from {service} in this range.</div>;
  return (
    <div className="panel" data-testid="log-volume">
      <TimeSeries
        testid="log-volume-chart"
        times={times}
        series={series}
        unit="perSecond"
        range={range}
        height={140}
        onRange={zoomTo}
      />
    </div>
  );
}
