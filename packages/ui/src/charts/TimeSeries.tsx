// Time-series chart on uPlot (canvas): hover shows every series' value at the cursor in the
// legend, a legend click toggles a series, a drag selects a time range, a click picks the
// nearest series' point. All charts share one cursor, so hovering one marks the same time on
// every panel of a page.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './charts.css';
import { backgroundOf, type FocusLayer, focusLayer } from './focusLayer';
import { timeTick } from './timeTicks';
import { drawnUnit, formatter, type Unit, yRange } from './units';

export interface SeriesSpec {
  label: string;
  color: string;
  /** One value per time; null = no value (not computed yet, or no data): drawn as a gap. */
  values: (number | null)[];
  dash?: number[];
}

/** A marked point over the lines (an exemplar): drawn as a diamond, clickable. */
export interface Mark {
  t: number;
  v: number;
  color: string;
  title: string;
  onClick: () => void;
}

export interface Picked {
  series: number;
  label: string;
  t: number;
  value: number | null;
}

export interface TimeSeriesProps {
  /** Unix seconds, ascending; the start of each step. */
  times: number[];
  series: SeriesSpec[];
  unit: Unit;
  /** The x range shown (Unix seconds): the page's time range, so panels line up. */
  range: { start: number; end: number };
  height?: number;
  /** A drag across the plot: [from, to] Unix seconds. */
  onRange?: (from: number, to: number) => void;
  /** A click on the plot: the point of the series nearest to the pointer. */
  onPick?: (p: Picked) => void;
  marks?: Mark[];
  testid?: string;
}

const SYNC_KEY = 'tracehouse-time';
/** Past this many series the cursor marks the nearest series only. */
const MANY_SERIES = 8;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** Re-renders when the page theme changes, so canvas colours follow it. */
function useThemeName(): string {
  const [theme, setTheme] = useState(document.documentElement.dataset.theme ?? 'light');
  useEffect(() => {
    const mo = new MutationObserver(() => setTheme(document.documentElement.dataset.theme ?? 'light'));
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => mo.disconnect();
  }, []);
  return theme;
}

/** CSS colour of a series: CSS variables are resolved for the canvas. */
function resolve(color: string): string {
  const m = /^var\((--[\w-]+)\)$/.exec(color);
  return m ? cssVar(m[1]) : color;
}

export function TimeSeries(props: TimeSeriesProps) {
  const { times, series, unit, range, height = 140, marks, testid } = props;
  const box = useRef<HTMLDivElement>(null);
  const handlers = useRef(props);
  handlers.current = props;
  const theme = useThemeName();

  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt when data, range, unit or theme change; handlers are read through a ref
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let max: number | null = null;
    for (const s of series) for (const v of s.values) if (v !== null && (max === null || v > max)) max = v;
    const shown = drawnUnit(unit, max);
    const fmt = formatter(shown);
    const axis = cssVar('--muted');
    const grid = cssVar('--border');
    let layer: FocusLayer | undefined;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      // Room on the right for the last time label.
      padding: [8, 28, 0, 0],
      cursor: {
        // The time is shared; the focused series is not (series i of another panel is another series).
        sync: { key: SYNC_KEY, setSeries: false },
        drag: { x: true, y: false, setScale: false },
        focus: { prox: 30 },
        // Many series: one point, on the nearest series (a dot per series is noise, and each is
        // an element uPlot moves, resizes and recolours at every pointer move).
        points: { size: 6, one: series.length > MANY_SERIES },
      },
      // Fading the other series is focusLayer's (uPlot's own redraws the whole plot).
      focus: { alpha: 1 },
      legend: { live: true },
      scales: {
        x: { time: true, range: () => [range.start, range.end] },
        y: { range: () => yRange(shown, max) },
      },
      axes: [
        {
          stroke: axis,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          size: 28,
          space: 70,
          // uPlot passes the spacing it chose (seconds): whole days are labelled by date alone.
          values: (_u, splits, _axis, _space, incr) => splits.map((t) => timeTick(t, range.end - range.start, incr)),
        },
        {
          stroke: axis,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          size: 60,
          space: 24,
          values: (_u, splits) => splits.map(fmt),
        },
      ],
      series: [
        { label: 'time' },
        ...series.map((s) => ({
          label: s.label,
          stroke: resolve(s.color),
          width: 1.5,
          dash: s.dash,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : fmt(v)),
          // Only values standing alone between gaps get a dot: a line needs two points to show.
          points: { show: true, size: 5, filter: (u: uPlot, si: number) => isolated(u.data[si]) },
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 3) return;
            const from = u.posToVal(u.select.left, 'x');
            const to = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            handlers.current.onRange?.(Math.floor(from), Math.ceil(to));
          },
        ],
        setSeries: [
          // (uPlot's types call the options a Series; they are `{ focus?, show? }`.)
          (_u, si, o) => {
            if ((o as { focus?: boolean }).focus !== undefined) layer?.focus(si);
          },
        ],
        draw: [
          (u) => {
            layer?.redraw();
            drawMarks(u, handlers.current.marks);
            // The y scale drawn, for tests and tools that locate a value on the canvas.
            el.dataset.yMax = String(u.scales.y.max ?? '');
          },
        ],
      },
    };
    const u = new uPlot(opts, [times, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    layer = focusLayer(u, backgroundOf(el), (si) => resolve(series[si - 1].color));
    el.dataset.xMin = String(range.start);
    el.dataset.xMax = String(range.end);
    el.dataset.series = String(series.length);
    el.dataset.marks = String(marks?.length ?? 0);
    el.dataset.points = String(series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0));
    const over = u.over;
    let downX = -1;
    const onDown = (e: MouseEvent) => {
      downX = e.clientX;
    };
    const onClick = (e: MouseEvent) => {
      if (Math.abs(e.clientX - downX) > 3) return; // a drag, not a click
      const rect = over.getBoundingClientRect();
      const x = e.clientX - rect.left;
      const y = e.clientY - rect.top;
      const mark = markAt(u, handlers.current.marks, x, y);
      if (mark) return mark.onClick();
      const pick = handlers.current.onPick;
      const hit = pick && nearestPoint(u, x, y);
      if (!pick || !hit) return;
      const [si, idx] = hit;
      pick({ series: si - 1, label: series[si - 1].label, t: times[idx], value: u.data[si][idx] ?? null });
    };
    // Values in the legend follow the pointer over this chart only: other panels show the shared
    // time line but keep their legends still (each live legend is a relayout per pointer move).
    u.legend.live = false;
    const onEnter = () => {
      u.legend.live = true;
    };
    const onLeave = () => {
      u.legend.live = false;
    };
    over.addEventListener('mouseenter', onEnter);
    over.addEventListener('mouseleave', onLeave);
    over.addEventListener('mousedown', onDown);
    over.addEventListener('click', onClick);
    over.style.cursor = 'crosshair';
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      over.removeEventListener('mouseenter', onEnter);
      over.removeEventListener('mouseleave', onLeave);
      over.removeEventListener('mousedown', onDown);
      over.removeEventListener('click', onClick);
      u.destroy();
    };
  }, [times, series, unit, range.start, range.end, height, theme, marks]);

  return <div ref={box} className="ts-chart" data-testid={testid} />;
}

/** Indices of values whose neighbours are both missing. */
function isolated(d: ArrayLike<number | null | undefined>): number[] {
  const out: number[] = [];
  for (let i = 0; i < d.length; i++)
    if (d[i] != null && (i === 0 || d[i - 1] == null) && (i === d.length - 1 || d[i + 1] == null)) out.push(i);
  return out;
}

/** Steps farther than this from the pointer (CSS px, along the time axis) are not picked. */
const PICK_RADIUS = 12;

/**
 * The point picked by a click at (x, y), as [series, index]: the nearest step that has a value
 * (an isolated value between gaps is a dot a few pixels wide, so the pointer needs not land on
 * its exact step), then the series whose value there is nearest to the pointer.
 */
function nearestPoint(u: uPlot, x: number, y: number): [number, number] | null {
  const xs = u.data[0];
  const shown = (si: number, i: number) => u.series[si].show !== false && u.data[si][i] != null;
  let idx = -1;
  let bestDx = PICK_RADIUS;
  const last = Math.min(xs.length - 1, u.posToIdx(x + PICK_RADIUS));
  for (let i = Math.max(0, u.posToIdx(x - PICK_RADIUS)); i <= last; i++) {
    const dx = Math.abs(u.valToPos(xs[i], 'x') - x);
    let any = false;
    for (let si = 1; si < u.series.length && !any; si++) any = shown(si, i);
    if (any && dx <= bestDx) [idx, bestDx] = [i, dx];
  }
  if (idx < 0) return null;
  let best = -1;
  let bestDy = Number.POSITIVE_INFINITY;
  for (let si = 1; si < u.series.length; si++) {
    if (!shown(si, idx)) continue;
    const dy = Math.abs(u.valToPos(u.data[si][idx] as number, 'y') - y);
    if (dy < bestDy) [best, bestDy] = [si, dy];
  }
  return [best, idx];
}

function drawMarks(u: uPlot, marks: Mark[] | undefined): void {
  if (!marks?.length) return;
  const ctx = u.ctx;
  const r = 5 * devicePixelRatio;
  ctx.save();
  for (const m of marks) {
    const x = u.valToPos(m.t, 'x', true);
    const y = u.valToPos(m.v, 'y', true);
    if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
    ctx.beginPath();
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y);
    ctx.lineTo(x, y + r);
    ctx.lineTo(x - r, y);
    ctx.closePath();
    ctx.fillStyle = resolve(m.color);
    ctx.fill();
  }
  ctx.restore();
}

function markAt(u: uPlot, marks: Mark[] | undefined, x: number, y: number): Mark | undefined {
  for (const m of marks ?? []) {
    const dx = u.valToPos(m.t, 'x') - x;
    const dy = u.valToPos(m.v, 'y') - y;
    if (dx * dx + dy * dy <= 64) return m;
  }
  return undefined;
}
