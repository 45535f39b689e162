// Small hand-written SVG charts: a scatter of traces, stacked bars of log counts. Time series
// are drawn by charts/TimeSeries.tsx (uPlot).
import { useEffect, useMemo, useRef, useState } from 'react';
import { timeTick, timeTicks } from '../charts/timeTicks';
import { fmtTime } from '../format';

export interface Pt {
  x: number; // ms since epoch
  y: number;
  color?: string;
  hollow?: boolean;
  key: string;
  title?: string;
}

/** The drawn width in CSS pixels, so text and dots keep their size at any width. */
function useWidth(): [React.RefObject<SVGSVGElement | null>, number] {
  const ref = useRef<SVGSVGElement>(null);
  const [w, setW] = useState(800);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setW(Math.max(200, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}
const PAD = { l: 48, r: 8, t: 8, b: 20 };

/** Labels near an edge grow inwards, so none is cut off; the others are centred on their tick. */
function edgeAnchor(x: number, W: number): 'start' | 'middle' | 'end' {
  return x < PAD.l + 36 ? 'start' : x > W - PAD.r - 36 ? 'end' : 'middle';
}

/** 0 and round multiples (1, 2 or 5 x 10^k) up to max or just past it: never 616.5ms. */
function niceTicks(max: number, n = 4): number[] {
  if (!(max > 0)) return [0];
  const raw = max / n;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow;
  const out: number[] = [];
  // Up to the first tick at or above max, so the top point is inside the axis.
  for (let i = 0; out.length === 0 || out[out.length - 1] < max; i++) out.push(i * step);
  return out;
}

export function Scatter({
  points,
  height = 180,
  yFmt,
  onPoint,
  testid,
}: {
  points: Pt[];
  height?: number;
  yFmt: (v: number) => string;
  onPoint: (p: Pt) => void;
  testid?: string;
}) {
  const [ref, W] = useWidth();
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs, x0 + 1);
  const yTicks = niceTicks(Math.max(...ys, 1) * 1.05);
  // The axis ends at the first round tick above the largest point.
  const y1 = yTicks[yTicks.length - 1] || 1;
  const xAxis = timeTicks(x0 / 1000, x1 / 1000, Math.max(1, Math.floor((W - PAD.l - PAD.r) / 100)));
  const sx = (x: number) => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => height - PAD.b - (y / y1) * (height - PAD.t - PAD.b);
  return (
    <svg
      ref={ref}
      role="img"
      aria-label={testid ?? 'chart'}
      className="chart"
      viewBox={`0 0 ${W} ${height}`}
      width="100%"
      height={height}
      data-testid={testid}
    >
      {yTicks.map((v) => (
        <g key={v}>
          <line className="axis" x1={PAD.l} x2={W - PAD.r} y1={sy(v)} y2={sy(v)} />
          <text x={4} y={sy(v) + 3}>
            {v === 0 ? '0' : yFmt(v)}
          </text>
        </g>
      ))}
      {xAxis.ticks.map((t) => {
        const x = sx(t * 1000);
        return (
          <text key={t} x={x} y={height - 5} textAnchor={edgeAnchor(x, W)}>
            {timeTick(t, (x1 - x0) / 1000, xAxis.spacing)}
          </text>
        );
      })}
      {points.map((p) => (
        // biome-ignore lint/a11y/noStaticElementInteractions: points are also listed in the table below
        <circle
          key={p.key}
          cx={sx(p.x)}
          cy={sy(p.y)}
          r={4}
          fill={p.hollow ? 'none' : (p.color ?? 'var(--accent)')}
          stroke={p.color ?? 'var(--accent)'}
          style={{ cursor: 'pointer' }}
          onClick={() => onPoint(p)}
        >
          <title>{p.title}</title>
        </circle>
      ))}
    </svg>
  );
}

export function StackedBars({
  times,
  series,
  height = 90,
  testid,
}: {
  times: number[];
  series: { name: string; color: string; values: number[] }[];
  height?: number;
  testid?: string;
}) {
  const [ref, W] = useWidth();
  const n = times.length;
  let max = 1;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const se of series) s += se.values[i] ?? 0;
    max = Math.max(max, s);
  }
  const bw = (W - PAD.l - PAD.r) / Math.max(n, 1);
  const axis = useMemo(() => {
    // Buckets are equal and contiguous: the axis runs from the first's start to the last's end.
    const t0 = (times[0] ?? 0) / 1000;
    const step = n > 1 ? (times[1] - times[0]) / 1000 : 60;
    const t1 = n ? times[n - 1] / 1000 + step : t0 + step;
    // A label is at most "12-31 23:59" (~60 px at 10 px): one per 100 px keeps them apart.
    return { t0, t1, ...timeTicks(t0, t1, Math.max(1, Math.floor((W - PAD.l - PAD.r) / 100))) };
  }, [times, n, W]);
  return (
    <svg
      ref={ref}
      role="img"
      aria-label={testid ?? 'chart'}
      className="chart"
      viewBox={`0 0 ${W} ${height}`}
      width="100%"
      height={height}
      data-testid={testid}
    >
      <text x={4} y={PAD.t + 8}>
        {max}
      </text>
      {times.map((t, i) => {
        let y = height - PAD.b;
        return (
          <g key={t}>
            {series.map((se) => {
              const v = se.values[i] ?? 0;
              const h = (v / max) * (height - PAD.t - PAD.b);
              y -= h;
              return v ? (
                <rect key={se.name} x={PAD.l + i * bw} y={y} width={Math.max(1, bw - 1)} height={h} fill={se.color}>
                  <title>{`${fmtTime(t)} ${se.name}: ${v}`}</title>
                </rect>
              ) : null;
            })}
          </g>
        );
      })}
      {axis.ticks.map((t) => {
        const x = PAD.l + ((t - axis.t0) / (axis.t1 - axis.t0)) * (W - PAD.l - PAD.r);
        return (
          <g key={t} data-tick={t}>
            <line className="axis" x1={x} x2={x} y1={height - PAD.b} y2={height - PAD.b + 3} />
            <text x={x} y={height - 5} textAnchor={edgeAnchor(x, W)}>
              {timeTick(t, axis.t1 - axis.t0, axis.spacing)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
