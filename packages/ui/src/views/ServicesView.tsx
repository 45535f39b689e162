import { useEffect, useMemo, useState } from 'react';
import {
  ApiError,
  type Exemplar,
  type GraphEdge,
  type GraphNode,
  getJson,
  type RedPoint,
  type RedSeries,
  type TraceSummary,
} from '../api';
import { HowToSend, Loading, Problem } from '../components';
import { fmtDurNs, fmtNum, fmtPct, fmtSec, fmtTime, nsToMs, timeRange } from '../format';
import { linkClick, setParams, withParams } from '../router';
import { serviceColor } from '../trace/colors';
import { LineChart } from './charts';
import { TimeRangePicker } from './TimeRange';

export function ServicesView({ params }: { params: URLSearchParams }) {
  const service = params.get('service') ?? '';
  const rangeKey = `${params.get('since')}|${params.get('start')}|${params.get('end')}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the range changes only with its URL parameters
  const { start, end } = useMemo(() => timeRange(params), [rangeKey]);
  const [red, setRed] = useState<{ step: number; series: RedSeries[] } | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const sel = params.get('sel');
  const key = `${service}|${params.get('since')}|${params.get('start')}|${params.get('end')}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: key lists the inputs
  useEffect(() => {
    const ac = new AbortController();
    setRed(null);
    setError(null);
    getJson<{ step: number; series: RedSeries[] }>(
      '/api/v1/red',
      { groupBy: service ? 'span_name' : 'service', service, start, end },
      ac.signal,
    ).then(setRed, (e) => !ac.signal.aborted && setError(e));
    return () => ac.abort();
  }, [key]);

  const selRange = sel ? (sel.split('-').map(Number) as [number, number]) : null;
  return (
    <div>
      <div className="toolbar">
        {service ? (
          <>
            <a
              href={withParams({ service: undefined, sel: undefined, selService: undefined, selSpan: undefined })}
              onClick={linkClick}
            >
              All services
            </a>{' '}
            › <b>{service}</b> (per span name)
          </>
        ) : (
          <b>Services</b>
        )}
        <TimeRangePicker params={params} />
        <span className="muted small">Click a point or drag across a range to list the traces behind it.</span>
      </div>
      {error ? (
        error instanceof ApiError && error.status === 404 ? (
          <Problem title="RED metrics are not available on this server yet">{error.message}</Problem>
        ) : (
          <Problem title="Could not load RED metrics">{error.message}</Problem>
        )
      ) : red === null ? (
        <Loading what="RED metrics" />
      ) : red.series.length === 0 ? (
        <HowToSend what="services in this time range" />
      ) : (
        <div className="panels" data-testid="red-panels">
          {red.series.map((s) => (
            <RedPanel
              key={`${s.service}|${s.spanName}`}
              s={s}
              step={red.step}
              selection={
                selRange && params.get('selService') === s.service && (params.get('selSpan') ?? null) === s.spanName
                  ? selRange
                  : null
              }
            />
          ))}
        </div>
      )}
      {selRange ? (
        <BehindTraces
          service={params.get('selService') ?? ''}
          spanName={params.get('selSpan') ?? ''}
          fromMs={selRange[0] * 1000}
          toMs={selRange[1] * 1000}
        />
      ) : null}
      <ServiceMap start={start} end={end} />
    </div>
  );
}

function RedPanel({ s, step, selection }: { s: RedSeries; step: number; selection: [number, number] | null }) {
  // The API answers one point per step (empty steps with rate 0 and null latencies).
  const sorted = [...s.points].sort((a, b) => a.t - b.t);
  const times = sorted.map((p) => p.t);
  const pts: (RedPoint | null)[] = sorted;
  const onSelect = (fromMs: number, toMs: number) =>
    setParams(
      {
        sel: `${Math.floor(fromMs / 1000)}-${Math.ceil(toMs / 1000)}`,
        selService: s.service,
        selSpan: s.spanName ?? undefined,
      },
      false,
    );
  const total = s.points.reduce((a, p) => a + p.rate * step, 0);
  const errs = s.points.reduce((a, p) => a + p.errorRate * step, 0);
  const lastP95 = [...sorted].reverse().find((p) => p.p95 !== null)?.p95;
  const ms = times.map((t) => t * 1000);
  return (
    <div className="panel" data-testid="red-panel" data-service={s.service} data-span-name={s.spanName ?? ''}>
      <h4>
        <span className="svc-dot" style={{ background: serviceColor(s.service) }} />
        {s.spanName ? (
          s.spanName
        ) : (
          <a href={withParams({ service: s.service, sel: undefined })} onClick={linkClick}>
            {s.service}
          </a>
        )}{' '}
        <span className="muted small">
          {fmtNum(total, 0)} calls · {fmtPct(total ? errs / total : 0)} errors
          {lastP95 != null ? ` · p95 ${fmtSec(lastP95)}` : ''}
        </span>
      </h4>
      <LineChart
        testid="rate-chart"
        times={ms}
        height={100}
        yFmt={(v) => `${fmtNum(v)}/s`}
        lines={[
          { name: 'rate', color: 'var(--accent)', values: pts.map((p) => (p ? p.rate : null)) },
          { name: 'errors', color: 'var(--error)', values: pts.map((p) => (p ? p.errorRate : null)) },
        ]}
        onSelect={(a, b) => onSelect(a, b)}
        selection={selection ? [selection[0] * 1000, selection[1] * 1000] : null}
      />
      <LineChart
        testid="error-chart"
        times={ms}
        height={70}
        yFmt={(v) => fmtPct(v)}
        lines={[{ name: 'error %', color: 'var(--error)', values: pts.map((p) => (p ? p.errorRatio : null)) }]}
        onSelect={(a, b) => onSelect(a, b)}
        selection={selection ? [selection[0] * 1000, selection[1] * 1000] : null}
      />
      <LineChart
        testid="latency-chart"
        times={ms}
        height={100}
        yFmt={fmtSec}
        lines={[
          { name: 'p50', color: '#4caf50', values: pts.map((p) => (p ? p.p50 : null)) },
          { name: 'p95', color: '#ff9800', values: pts.map((p) => (p ? p.p95 : null)) },
          { name: 'p99', color: '#e91e63', values: pts.map((p) => (p ? p.p99 : null)) },
        ]}
        onSelect={(a, b) => onSelect(a, b)}
        selection={selection ? [selection[0] * 1000, selection[1] * 1000] : null}
      />
    </div>
  );
}

/** The traces behind a selected range of a RED panel: exemplars first, then a search. */
function BehindTraces({
  service,
  spanName,
  fromMs,
  toMs,
}: {
  service: string;
  spanName: string;
  fromMs: number;
  toMs: number;
}) {
  const [ex, setEx] = useState<Exemplar[] | null>(null);
  const [found, setFound] = useState<TraceSummary[] | null>(null);
  const start = Math.floor(fromMs / 1000);
  const end = Math.ceil(toMs / 1000);
  useEffect(() => {
    const ac = new AbortController();
    setEx(null);
    setFound(null);
    getJson<{ exemplars: Exemplar[] }>('/api/v1/red/exemplars', { service, spanName, start, end }, ac.signal).then(
      (r) => setEx(r.exemplars),
      () => setEx([]),
    );
    const q = `{ resource.service.name = ${JSON.stringify(service)}${spanName ? ` && name = ${JSON.stringify(spanName)}` : ''} }`;
    getJson<{ traces: TraceSummary[] }>('/api/v1/search', { q, start, end, limit: 20, recent: 'true' }, ac.signal).then(
      (r) => setFound(r.traces),
      () => setFound([]),
    );
    return () => ac.abort();
  }, [service, spanName, start, end]);
  const seen = new Set((ex ?? []).map((e) => e.traceId));
  return (
    <div className="panel" data-testid="behind-traces" style={{ margin: '10px 0' }}>
      <h4>
        Traces behind {service}
        {spanName ? ` / ${spanName}` : ''}, {fmtTime(fromMs)}–{fmtTime(toMs)}{' '}
        <a href={withParams({ sel: undefined, selService: undefined, selSpan: undefined })} onClick={linkClick}>
          clear
        </a>
      </h4>
      {ex === null || found === null ? <Loading what="traces" /> : null}
      <table className="list">
        <tbody>
          {(ex ?? []).map((e) => (
            <tr key={`${e.traceId}${e.spanId}`}>
              <td>
                <span className="badge">exemplar</span>
              </td>
              <td>{fmtTime(nsToMs(e.timeUnixNano))}</td>
              <td>
                <a href={`/trace/${e.traceId}?span=${e.spanId}`} onClick={linkClick} className="trace-link">
                  {e.service}: {e.spanName}
                </a>
              </td>
              <td>{fmtSec(e.durationSeconds)}</td>
              <td className={e.statusCode === 'Error' ? 'err' : ''}>{e.statusCode}</td>
            </tr>
          ))}
          {(found ?? [])
            .filter((t) => !seen.has(t.traceId))
            .map((t) => (
              <tr key={t.traceId}>
                <td>
                  <span className="badge">search</span>
                </td>
                <td>{fmtTime(nsToMs(t.startTimeUnixNano))}</td>
                <td>
                  <a href={`/trace/${t.traceId}`} onClick={linkClick} className="trace-link">
                    {t.rootServiceName}: {t.rootSpanName}
                  </a>
                </td>
                <td>{fmtDurNs(Number(t.durationNanos))}</td>
                <td className={t.errorCount ? 'err' : ''}>{t.errorCount ? `${t.errorCount} errors` : 'ok'}</td>
              </tr>
            ))}
        </tbody>
      </table>
      {ex && found && !ex.length && !found.length ? <div className="muted">No traces found in that range.</div> : null}
    </div>
  );
}

/** Layered layout: callers left, callees right (longest path from a node without callers). */
function ServiceMap({ start, end }: { start: number; end: number }) {
  const [g, setG] = useState<{ nodes: GraphNode[]; edges: GraphEdge[] } | null | 'na'>(null);
  useEffect(() => {
    const ac = new AbortController();
    getJson<{ nodes: GraphNode[]; edges: GraphEdge[] }>('/api/v1/service-graph', { start, end }, ac.signal).then(
      setG,
      () => (!ac.signal.aborted ? setG('na') : undefined),
    );
    return () => ac.abort();
  }, [start, end]);
  if (g === null) return <Loading what="service map" />;
  if (g === 'na') return <div className="muted">Service map not available on this server yet.</div>;
  if (!g.nodes.length) return <div className="muted">Service map: no calls between services in this range.</div>;
  const level = new Map<string, number>();
  for (const n of g.nodes) level.set(n.id, 0);
  for (let k = 0; k < g.nodes.length; k++) {
    let changed = false;
    for (const e of g.edges) {
      const l = (level.get(e.client) ?? 0) + 1;
      if (l > (level.get(e.server) ?? 0) && l < g.nodes.length) {
        level.set(e.server, l);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const cols = new Map<number, string[]>();
  for (const n of g.nodes) {
    const l = level.get(n.id) ?? 0;
    if (!cols.has(l)) cols.set(l, []);
    cols.get(l)!.push(n.id);
  }
  const NW = 150;
  const NH = 44;
  const GX = 90;
  const GY = 24;
  const pos = new Map<string, { x: number; y: number }>();
  let maxRows = 1;
  for (const [l, ids] of cols) {
    ids.sort();
    maxRows = Math.max(maxRows, ids.length);
    ids.forEach((id, i) => {
      pos.set(id, { x: 10 + l * (NW + GX), y: 10 + i * (NH + GY) });
    });
  }
  const W = 20 + cols.size * (NW + GX);
  const H = 20 + maxRows * (NH + GY);
  return (
    <div className="panel" style={{ marginTop: 10 }}>
      <h4>Service map</h4>
      <svg
        role="img"
        aria-label="service map"
        className="chart"
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        style={{ maxHeight: 500 }}
        data-testid="service-map"
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" fill="var(--muted)" />
          </marker>
        </defs>
        {g.edges.map((e) => {
          const a = pos.get(e.client);
          const b = pos.get(e.server);
          if (!a || !b) return null;
          const x1 = a.x + NW;
          const y1 = a.y + NH / 2;
          const x2 = b.x;
          const y2 = b.y + NH / 2;
          const bad = e.errorRatio > 0.01;
          return (
            <g key={`${e.client}>${e.server}`}>
              <path
                d={`M${x1},${y1} C${x1 + GX / 2},${y1} ${x2 - GX / 2},${y2} ${x2},${y2}`}
                fill="none"
                stroke={bad ? 'var(--error)' : 'var(--muted)'}
                strokeWidth={1.2}
                markerEnd="url(#arrow)"
              />
              <text x={(x1 + x2) / 2 - 30} y={(y1 + y2) / 2 - 4} style={bad ? { fill: 'var(--error)' } : undefined}>
                {fmtNum(e.requestRate)}/s · {fmtPct(e.errorRatio)}
              </text>
            </g>
          );
        })}
        {g.nodes.map((n) => {
          const p = pos.get(n.id)!;
          return (
            <g key={n.id} transform={`translate(${p.x},${p.y})`}>
              <a
                href={n.kind === 'service' ? `/services?service=${encodeURIComponent(n.id)}` : undefined}
                onClick={linkClick as never}
              >
                <rect
                  width={NW}
                  height={NH}
                  rx={n.kind === 'database' ? 14 : 4}
                  fill="var(--bg2)"
                  stroke={n.errorRatio > 0.01 ? 'var(--error)' : serviceColor(n.id)}
                  strokeWidth={2}
                />
                <text x={8} y={18} style={{ fill: 'var(--fg)', fontSize: 12 }}>
                  {n.id.length > 20 ? `${n.id.slice(0, 19)}…` : n.id}
                </text>
                <text x={8} y={34}>
                  {n.kind} · {fmtNum(n.requestRate)}/s · {fmtPct(n.errorRatio)}
                </text>
              </a>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
