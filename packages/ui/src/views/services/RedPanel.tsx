// One service's or one operation's RED charts: rate, error ratio, latency percentiles.
// A click lists the traces behind the point (errors for the error series, the slowest for a
// latency series); a drag only zooms every panel to the range (a click in the zoomed range then
// lists its traces), so exploring the time axis never covers the charts with a drawer.
import { useMemo } from 'react';
import type { RedSeries } from '../../api';
import { type Picked, type SeriesSpec, TimeSeries } from '../../charts/TimeSeries';
import type { Unit } from '../../charts/units';
import { fmtPct, fmtSec } from '../../format';
import { linkClick, withParams } from '../../router';
import { serviceColor } from '../../trace/colors';
import { zoomTo } from '../TimeRange';
import { type Focus, select } from './selection';

export function RedPanel({
  s,
  step,
  range,
  link,
}: {
  s: RedSeries;
  step: number;
  range: { start: number; end: number };
  /** The page this panel's title opens (a service's operations), if any. */
  link?: string;
}) {
  const { times, rate, errorRatio, latency, totals } = useMemo(() => {
    const pts = [...s.points].sort((a, b) => a.t - b.t);
    let calls = 0;
    let errors = 0;
    let p95: number | null = null;
    for (const p of pts) {
      calls += (p.rate ?? 0) * p.seconds;
      errors += (p.errorRate ?? 0) * p.seconds;
      if (p.p95 !== null) p95 = p.p95;
    }
    const rate: SeriesSpec[] = [
      { label: 'rate', color: 'var(--accent)', values: pts.map((p) => p.rate) },
      { label: 'errors', color: 'var(--error)', values: pts.map((p) => p.errorRate) },
    ];
    const errorRatio: SeriesSpec[] = [
      // A step without calls has no error ratio; with calls and no errors it is 0.
      { label: 'error %', color: 'var(--error)', values: pts.map((p) => (p.rate ? (p.errorRatio ?? 0) : null)) },
    ];
    const latency: SeriesSpec[] = [
      { label: 'p50', color: '#2e9d55', values: pts.map((p) => p.p50) },
      { label: 'p95', color: '#e08a00', values: pts.map((p) => p.p95) },
      { label: 'p99', color: '#d6336c', values: pts.map((p) => p.p99) },
    ];
    return { times: pts.map((p) => p.t), rate, errorRatio, latency, totals: { calls, errors, p95 } };
  }, [s]);

  const open = (from: number, to: number, focus: Focus, minSeconds: number | null = null) =>
    select({ from, to, service: s.service, spanName: s.spanName, focus, minSeconds });
  const pickRate = (p: Picked) => open(p.t, p.t + step, p.label === 'errors' ? 'errors' : 'all');
  const pickErrors = (p: Picked) => open(p.t, p.t + step, 'errors');
  const pickLatency = (p: Picked) => open(p.t, p.t + step, 'slow', p.value);
  const charts: {
    testid: string;
    label: string;
    series: SeriesSpec[];
    unit: Unit;
    height: number;
    onPick: (p: Picked) => void;
  }[] = [
    {
      testid: 'rate-chart',
      label: 'requests',
      series: rate,
      unit: 'perSecond',
      height: 110,
      onPick: pickRate,
    },
    {
      testid: 'error-chart',
      label: 'error ratio',
      series: errorRatio,
      unit: 'ratio',
      height: 100,
      onPick: pickErrors,
    },
    {
      testid: 'latency-chart',
      label: 'latency',
      series: latency,
      unit: 'seconds',
      height: 110,
      onPick: pickLatency,
    },
  ];
  const title = s.spanName ?? s.service;
  return (
    <div className="panel" data-testid="red-panel" data-service={s.service} data-span-name={s.spanName ?? ''}>
      <h4>
        <span className="svc-dot" style={{ background: serviceColor(s.service) }} />
        {link ? (
          <a href={link} onClick={linkClick}>
            {title}
          </a>
        ) : (
          title
        )}{' '}
        <span className="muted small">
          {Math.round(totals.calls)} calls · {fmtPct(totals.calls ? totals.errors / totals.calls : 0)} errors
          {totals.p95 != null ? ` · p95 ${fmtSec(totals.p95)}` : ''}
        </span>
        {s.spanName ? (
          <a
            className="small panel-link"
            href={withParams({ service: s.service, op: s.spanName, kind: 'all' }, '/services')}
            onClick={linkClick}
            title="this operation alone"
          >
            ⤢
          </a>
        ) : null}
      </h4>
      {charts.map((c) => (
        <div key={c.testid}>
          <div className="chart-label muted small">{c.label}</div>
          <TimeSeries
            testid={c.testid}
            times={times}
            series={c.series}
            unit={c.unit}
            range={range}
            height={c.height}
            onPick={c.onPick}
            onRange={zoomTo}
          />
        </div>
      ))}
    </div>
  );
}
