// Small hand-written SVG charts: a scatter, a line chart with brushing, stacked bars.
import { useEffect, useRef, useState } from 'react';
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

/** Axis labels: the first starts at its tick, the last ends at it, the others are centred. */
function anchor(k: number, n: number): 'start' | 'middle' | 'end' {
  return k === 0 ? 'start' : k === n - 1 ? 'end' : 'middle';
}

function ticks(min: number, max: number, n = 4): number[] {
  if (max <= min) return [min];
  return Array.from({ length: n + 1 }, (_, i) => min + ((max - min) * i) / n);
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
  const y1 = Math.max(...ys, 1) * 1.05;
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
      {ticks(0, y1).map((v) => (
        <g key={v}>
          <line className="axis" x1={PAD.l} x2={W - PAD.r} y1={sy(v)} y2={sy(v)} />
          <text x={4} y={sy(v) + 3}>
            {yFmt(v)}
          </text>
        </g>
      ))}
      {ticks(x0, x1, 3).map((v, k) => (
        <text key={v} x={sx(v)} y={height - 5} textAnchor={anchor(k, 4)}>
          {fmtTime(v)}
        </text>
      ))}
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

export interface Line {
  name: string;
  color: string;
  values: (number | null)[];
}

/** Line chart over time buckets; click a bucket or drag across buckets to select a range. */
export function LineChart({
  times,
  lines,
  height = 130,
  yFmt,
  onSelect,
  selection,
  testid,
}: {
  times: number[]; // ms
  lines: Line[];
  height?: number;
  yFmt: (v: number) => string;
  onSelect?: (fromMs: number, toMs: number) => void;
  selection?: [number, number] | null;
  testid?: string;
}) {
  const [ref, W] = useWidth();
  const [drag, setDrag] = useState<[number, number] | null>(null);
  const n = times.length;
  const step = n > 1 ? times[1] - times[0] : 60_000;
  const x0 = times[0] ?? 0;
  const x1 = (times[n - 1] ?? 0) + step;
  let ymax = 0;
  for (const l of lines) for (const v of l.values) if (v !== null && v > ymax) ymax = v;
  ymax = ymax > 0 ? ymax * 1.1 : 1;
  const sx = (x: number) => PAD.l + ((x - x0) / (x1 - x0 || 1)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => height - PAD.b - (y / ymax) * (height - PAD.t - PAD.b);
  const toBucket = (clientX: number) => {
    // Screen -> viewBox coordinates through the SVG's own transform (borders, scaling).
    const svg = ref.current!;
    const pt = svg.createSVGPoint();
    pt.x = clientX;
    pt.y = 0;
    const m = svg.getScreenCTM();
    const vx = m ? pt.matrixTransform(m.inverse()).x : clientX - svg.getBoundingClientRect().left;
    const t = x0 + ((vx - PAD.l) / (W - PAD.l - PAD.r)) * (x1 - x0);
    return Math.max(0, Math.min(n - 1, Math.floor((t - x0) / step)));
  };
  const sel = drag ? [Math.min(...drag), Math.max(...drag)] : null;
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
      onMouseDown={(e) => {
        if (!onSelect || !n) return;
        const b = toBucket(e.clientX);
        setDrag([b, b]);
      }}
      onMouseMove={(e) => {
        if (drag) setDrag([drag[0], toBucket(e.clientX)]);
      }}
      onMouseUp={() => {
        if (drag && onSelect && sel) onSelect(times[sel[0]], times[sel[1]] + step);
        setDrag(null);
      }}
      style={{ cursor: onSelect ? 'crosshair' : undefined }}
    >
      {ticks(0, ymax, 3).map((v) => (
        <g key={v}>
          <line className="axis" x1={PAD.l} x2={W - PAD.r} y1={sy(v)} y2={sy(v)} />
          <text x={4} y={sy(v) + 3}>
            {yFmt(v)}
          </text>
        </g>
      ))}
      {n
        ? ticks(x0, x1, 3).map((v, k) => (
            <text key={v} x={sx(v)} y={height - 5} textAnchor={anchor(k, 4)}>
              {fmtTime(v).slice(0, 5)}
            </text>
          ))
        : null}
      {selection ? (
        <rect
          x={sx(selection[0])}
          width={Math.max(2, sx(selection[1]) - sx(selection[0]))}
          y={PAD.t}
          height={height - PAD.t - PAD.b}
          fill="var(--selected)"
          opacity={0.7}
        />
      ) : null}
      {sel ? (
        <rect
          x={sx(times[sel[0]])}
          width={sx(times[sel[1]] + step) - sx(times[sel[0]])}
          y={PAD.t}
          height={height - PAD.t - PAD.b}
          fill="var(--accent)"
          opacity={0.2}
        />
      ) : null}
      {lines.map((l) => {
        let d = '';
        l.values.forEach((v, i) => {
          if (v === null) return;
          d += `${d ? 'L' : 'M'}${sx(times[i] + step / 2).toFixed(1)},${sy(v).toFixed(1)}`;
        });
        return (
          <g key={l.name}>
            <path d={d} fill="none" stroke={l.color} strokeWidth={1.5} />
            {l.values.map((v, i) =>
              v === null || v === 0 ? null : (
                <circle
                  // biome-ignore lint/suspicious/noArrayIndexKey: one point per bucket
                  key={i}
                  className="pt"
                  data-t={times[i]}
                  cx={sx(times[i] + step / 2)}
                  cy={sy(v)}
                  r={2.5}
                  fill={l.color}
                />
              ),
            )}
          </g>
        );
      })}
      <g>
        {lines.map((l, i) => (
          <text key={l.name} x={W - PAD.r - 60 * (lines.length - i)} y={PAD.t + 8} style={{ fill: l.color }}>
            {l.name}
          </text>
        ))}
      </g>
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
      {n ? (
        <>
          <text x={PAD.l} y={height - 5}>
            {fmtTime(times[0]).slice(0, 8)}
          </text>
          <text x={W - 70} y={height - 5}>
            {fmtTime(times[n - 1]).slice(0, 8)}
          </text>
        </>
      ) : null}
    </svg>
  );
}
