import { dropName, type Labels } from '../labels';
import type { RangeValue, Sample, Window } from '../value';
import { isInf, kahanSumInc, linearRegression, Mean, quantile } from './math';

type PerWindow = (w: Window, r: RangeValue) => number | undefined;

/**
 * Prometheus's extrapolatedRate over samples [lo, hi) of a series, in the window (startMs,
 * endMs]: the increase between the first and last sample (counter resets added back),
 * extrapolated to the window's edges when the samples reach close to them, and never back past
 * the point where a counter would have been zero.
 */
export function extrapolatedRateOf(
  t: Float64Array,
  v: Float64Array,
  lo: number,
  hi: number,
  startMs: number,
  endMs: number,
  rangeMs: number,
  isCounter: boolean,
  isRate: boolean,
  /** False when the caller knows the samples never decrease (no resets to add back). */
  mayReset = isCounter,
): number | undefined {
  const n = hi - lo;
  if (n < 2) return undefined;
  const first = v[lo]!;
  let result = v[hi - 1]! - first;
  if (isCounter && mayReset) {
    let prev = first;
    for (let i = lo + 1; i < hi; i++) {
      const curr = v[i]!;
      if (curr < prev) result += prev;
      prev = curr;
    }
  }
  return result * extrapolationFactor(result, t[lo]!, t[hi - 1]!, first, n, startMs, endMs, rangeMs, isCounter, isRate);
}

/**
 * What extrapolatedRate multiplies the increase (`result`, resets added back) of n >= 2
 * samples by, the first at firstT with value `first`, the last at lastT. Only a counter's zero
 * point depends on the values; otherwise the factor is a function of the times and n alone.
 */
export function extrapolationFactor(
  result: number,
  firstT: number,
  lastT: number,
  first: number,
  n: number,
  startMs: number,
  endMs: number,
  rangeMs: number,
  isCounter: boolean,
  isRate: boolean,
): number {
  let durationToStart = (firstT - startMs) / 1000;
  let durationToEnd = (endMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageBetween = sampledInterval / (n - 1);
  const threshold = averageBetween * 1.1;
  let extrapolateTo = sampledInterval;
  if (durationToStart >= threshold) durationToStart = averageBetween / 2;
  if (isCounter && result > 0 && first >= 0) {
    const durationToZero = sampledInterval * (first / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  extrapolateTo += durationToStart;
  if (durationToEnd >= threshold) durationToEnd = averageBetween / 2;
  extrapolateTo += durationToEnd;
  let factor = extrapolateTo / sampledInterval;
  if (isRate) factor /= rangeMs / 1000;
  return factor;
}

const extrapolatedRate = (w: Window, r: RangeValue, isCounter: boolean, isRate: boolean) =>
  extrapolatedRateOf(w.t, w.v, 0, w.v.length, r.startMs, r.endMs, r.rangeMs, isCounter, isRate);

/** irate / idelta: from the last two samples only. */
function instantValue(w: Window, isRate: boolean): number | undefined {
  const n = w.v.length;
  if (n < 2) return undefined;
  const last = w.v[n - 1]!;
  const prev = w.v[n - 2]!;
  let result = isRate && last < prev ? last : last - prev;
  const interval = w.t[n - 1]! - w.t[n - 2]!;
  if (interval === 0) return undefined;
  if (isRate) result /= interval / 1000;
  return result;
}

function sumOf(v: Float64Array): number {
  let sum = 0;
  let c = 0;
  for (const f of v) [sum, c] = kahanSumInc(f, sum, c);
  return isInf(sum) ? sum : sum + c;
}

function variance(v: Float64Array): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (const f of v) {
    count++;
    const delta = f - (mean + cMean);
    [mean, cMean] = kahanSumInc(delta / count, mean, cMean);
    [aux, cAux] = kahanSumInc(delta * (f - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

const nonEmpty =
  (f: (v: Float64Array, w: Window) => number): PerWindow =>
  (w) =>
    w.v.length === 0 ? undefined : f(w.v, w);

/** Functions of one range vector, per series; undefined drops the series from the result. */
export const RANGE_FUNCTIONS: Record<string, PerWindow> = {
  rate: (w, r) => extrapolatedRate(w, r, true, true),
  increase: (w, r) => extrapolatedRate(w, r, true, false),
  delta: (w, r) => extrapolatedRate(w, r, false, false),
  irate: (w) => instantValue(w, true),
  idelta: (w) => instantValue(w, false),
  deriv: (w) => (w.v.length < 2 ? undefined : linearRegression(w.t, w.v, w.t[0]!)[0]),
  changes: nonEmpty((v) => {
    let n = 0;
    for (let i = 1; i < v.length; i++) if (v[i] !== v[i - 1] && !(Number.isNaN(v[i]!) && Number.isNaN(v[i - 1]!))) n++;
    return n;
  }),
  resets: nonEmpty((v) => {
    let n = 0;
    for (let i = 1; i < v.length; i++) if (v[i]! < v[i - 1]!) n++;
    return n;
  }),
  avg_over_time: nonEmpty((v) => {
    const m = new Mean();
    for (const f of v) m.add(f);
    return m.value();
  }),
  sum_over_time: nonEmpty(sumOf),
  count_over_time: nonEmpty((v) => v.length),
  min_over_time: nonEmpty((v) => {
    let min = v[0]!;
    for (const f of v) if (f < min || Number.isNaN(min)) min = f;
    return min;
  }),
  max_over_time: nonEmpty((v) => {
    let max = v[0]!;
    for (const f of v) if (f > max || Number.isNaN(max)) max = f;
    return max;
  }),
  last_over_time: nonEmpty((v) => v[v.length - 1]!),
  present_over_time: nonEmpty(() => 1),
  stddev_over_time: nonEmpty((v) => Math.sqrt(variance(v))),
  stdvar_over_time: nonEmpty(variance),
};

/** Range functions that keep the metric name (Prometheus: only last_over_time). */
const KEEP_NAME = new Set(['last_over_time']);

export function applyRangeFunction(func: string, r: RangeValue, param?: number, evalMs?: number): Sample[] {
  const out: Sample[] = [];
  const keep = KEEP_NAME.has(func);
  const label = (l: Labels) => (keep ? l : dropName(l));
  if (func === 'quantile_over_time') {
    for (const w of r.series)
      if (w.v.length) out.push({ labels: label(w.labels), v: quantile(param!, Array.from(w.v)) });
    return out;
  }
  if (func === 'predict_linear') {
    for (const w of r.series) {
      if (w.v.length < 2) continue;
      const [slope, intercept] = linearRegression(w.t, w.v, evalMs!);
      out.push({ labels: label(w.labels), v: slope * param! + intercept });
    }
    return out;
  }
  const f = RANGE_FUNCTIONS[func]!;
  for (const w of r.series) {
    const v = f(w, r);
    if (v !== undefined) out.push({ labels: label(w.labels), v });
  }
  return out;
}
