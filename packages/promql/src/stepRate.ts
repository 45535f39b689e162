import { kahanSumInc } from './functions/math';
import { extrapolatedRateOf } from './functions/range';
import { dropName, groupingKey, groupLabels, type Labels } from './labels';
import type { RateByStepRequest, StepSeries } from './onePass';
import type { Series } from './source';

interface Group {
  labels: Labels;
  sum: Float64Array;
  c: Float64Array;
  has: Uint8Array;
}

/**
 * `sum by|without (grouping) (rate|increase(selector[range] offset o))` at every step, from the
 * series' samples in (start - offset - range, end - offset]: one pass over each series with two
 * cursors (a window only moves forward from step to step), summed into one array per group.
 * The numbers are those of evaluating step by step (the same rate function, the same Kahan sum
 * over the series in the same order) without a window, vector or group object per step, which
 * is what made a 24 h dashboard range cost seconds.
 */
export function rateByStepOf(
  series: readonly Series[],
  req: Omit<RateByStepRequest, 'matchers'>,
  checkpoint: () => void,
): StepSeries[] {
  const steps = Math.floor((req.endMs - req.startMs) / req.stepMs) + 1;
  const groups = new Map<string, Group>();
  const isRate = req.func === 'rate';
  for (const s of series) {
    checkpoint();
    const labels = dropName(s.labels);
    const key = groupingKey(labels, req.grouping, req.without);
    let g = groups.get(key);
    if (!g) {
      g = {
        labels: groupLabels(labels, req.grouping, req.without),
        sum: new Float64Array(steps),
        c: new Float64Array(steps),
        has: new Uint8Array(steps),
      };
      groups.set(key, g);
    }
    const { t, v } = s;
    const n = t.length;
    let lo = 0;
    let hi = 0;
    for (let k = 0; k < steps; k++) {
      const end = req.startMs + k * req.stepMs - req.offsetMs;
      const start = end - req.rangeMs;
      while (lo < n && t[lo]! <= start) lo++;
      while (hi < n && t[hi]! <= end) hi++;
      const x = extrapolatedRateOf(t, v, lo, hi, start, end, req.rangeMs, true, isRate);
      if (x === undefined) continue;
      if (!g.has[k]) {
        g.sum[k] = x;
        g.has[k] = 1;
      } else {
        const [sum, c] = kahanSumInc(x, g.sum[k]!, g.c[k]!);
        g.sum[k] = sum;
        g.c[k] = c;
      }
    }
  }
  const out: StepSeries[] = [];
  for (const g of groups.values()) {
    const s: StepSeries = { labels: g.labels, t: [], v: [] };
    for (let k = 0; k < steps; k++)
      if (g.has[k]) {
        s.t.push(req.startMs + k * req.stepMs);
        s.v.push(g.sum[k]! + g.c[k]!);
      }
    if (s.t.length) out.push(s);
  }
  return out;
}
