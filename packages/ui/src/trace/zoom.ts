// The visible time window of the trace view: ns from the trace start, kept in the URL as
// `zoom=<from>_<to>` so a zoomed link reproduces the view.

export interface TimeWindow {
  from: number;
  to: number;
}

/** Shorter windows than this are not useful (and would divide by almost zero). */
const MIN_SPAN_NS = 1_000;

export function parseZoom(param: string | null, duration: number): TimeWindow {
  const full = { from: 0, to: duration };
  const m = /^(\d+)_(\d+)$/.exec(param ?? '');
  if (!m) return full;
  return clampWindow({ from: Number(m[1]), to: Number(m[2]) }, duration);
}

export function zoomParam(w: TimeWindow, duration: number): string | undefined {
  if (w.from <= 0 && w.to >= duration) return undefined;
  return `${Math.round(w.from)}_${Math.round(w.to)}`;
}

/** Keeps a window inside the trace and at least MIN_SPAN_NS long. */
export function clampWindow(w: TimeWindow, duration: number): TimeWindow {
  let from = Math.min(w.from, w.to);
  let to = Math.max(w.from, w.to);
  const len = Math.min(duration, Math.max(to - from, MIN_SPAN_NS));
  if (to - from < len) to = from + len;
  if (from < 0) [from, to] = [0, len];
  if (to > duration) [from, to] = [Math.max(0, duration - len), duration];
  return { from, to };
}

/** Zooms by `factor` (< 1 in, > 1 out) around the point at fraction `at` of the window. */
export function zoomBy(w: TimeWindow, factor: number, duration: number, at = 0.5): TimeWindow {
  const len = (w.to - w.from) * factor;
  const pivot = w.from + (w.to - w.from) * at;
  return clampWindow({ from: pivot - len * at, to: pivot - len * at + len }, duration);
}

/** Moves the window by `frac` of its length (negative: earlier). */
export function pan(w: TimeWindow, frac: number, duration: number): TimeWindow {
  const d = (w.to - w.from) * frac;
  return clampWindow({ from: w.from + d, to: w.to + d }, duration);
}

/** Round tick steps (1, 2, 5 x 10^n ns) giving about `target` ticks over the window. */
export function ticks(w: TimeWindow, target: number): number[] {
  const len = w.to - w.from;
  if (len <= 0) return [w.from];
  const raw = len / Math.max(1, target);
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let t = Math.ceil(w.from / step) * step; t <= w.to + 1e-9; t += step) out.push(t);
  return out;
}

/** Where a span sits in the window, in % of its width (clipped), or null when outside it. */
export function barGeometry(start: number, duration: number, w: TimeWindow): { left: number; width: number } | null {
  const len = w.to - w.from || 1;
  const a = ((start - w.from) / len) * 100;
  const b = ((start + duration - w.from) / len) * 100;
  if (b < 0 || a > 100) return null;
  const left = Math.max(0, a);
  return { left, width: Math.max(Math.min(100, b) - left, 0.15) };
}
