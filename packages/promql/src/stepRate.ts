import type { LabelMatcher } from './ast';
import { extrapolationFactor } from './functions/range';
import { dropName, groupingKey, groupLabels, type Labels } from './labels';
import type { Series } from './source';

/** `rate|increase(selector[range] offset o)` at every step, summed by or without labels or per series. */
export interface RateByStepRequest {
  matchers: readonly LabelMatcher[];
  func: 'rate' | 'increase';
  rangeMs: number;
  offsetMs: number;
  startMs: number;
  endMs: number;
  stepMs: number;
  /** Summed by or without these labels; undefined: each series on its own, as rate() gives it. */
  grouping?: readonly string[];
  without: boolean;
}

/** One group's values at every step of the range. */
export class SteppedGroup {
  readonly sum: Float64Array;
  readonly c: Float64Array;
  readonly has: Uint8Array;

  constructor(
    readonly labels: Labels,
    steps: number,
    /** A sum of rates (else the rate of one series). */
    private readonly summed: boolean,
  ) {
    this.sum = new Float64Array(steps);
    this.c = new Float64Array(steps);
    this.has = new Uint8Array(steps);
  }

  /** The value at step k, or undefined where no series of the group has one. */
  value(k: number): number | undefined {
    if (!this.has[k]) return undefined;
    // A sum ends with its compensation added, as the step-by-step sum does; a lone rate is as computed.
    return this.summed ? this.sum[k]! + this.c[k]! : this.sum[k]!;
  }
}

/**
 * `sum by|without (grouping) (rate|increase(selector[range] offset o))` at every step (or the
 * rate of each series, without a grouping), from the series' samples in (start - offset -
 * range, end - offset], added one series at a time: one pass over each series with two cursors
 * (a window only moves forward from step to step), summed into one array per group.
 * The numbers are those of evaluating step by step (the same arithmetic as extrapolatedRateOf,
 * the same Kahan sum over the series in the same order) without a window, vector or group
 * object per step, which is what made a 24 h dashboard range cost seconds. A series is read
 * only while it is added: a source may hand each in a buffer it then reuses.
 */
export class StepRates {
  private readonly steps: number;
  private readonly groups = new Map<string | number, SteppedGroup>();
  /** resetsOf's array, reused from series to series. */
  private resets = new Int32Array(0);

  constructor(private readonly req: Omit<RateByStepRequest, 'matchers'>) {
    this.steps = Math.floor((req.endMs - req.startMs) / req.stepMs) + 1;
  }

  add(s: Series): void {
    const { req, steps, groups } = this;
    const labels = dropName(s.labels);
    const { grouping } = req;
    // Without a grouping every series is its own group (the source gives each label set once).
    const key = grouping ? groupingKey(labels, grouping, req.without) : groups.size;
    let g = groups.get(key);
    if (!g) {
      g = new SteppedGroup(grouping ? groupLabels(labels, grouping, req.without) : labels, steps, !!grouping);
      groups.set(key, g);
    }
    const { sum: sums, c: cs, has } = g;
    const { t, v } = s;
    const n = t.length;
    const isRate = req.func === 'rate';
    const resets = this.resetsOf(v);
    const { startMs, stepMs, offsetMs, rangeMs } = req;
    let lo = 0;
    let hi = 0;
    // A window placed on its samples as the one before (regular samples, a step a multiple of
    // their interval: nearly every window) has the same factor, unless a counter's zero point
    // moves its start: kept with the bound on first / result above which that cannot happen.
    let shape = { toStart: Number.NaN, toEnd: Number.NaN, n: 0, factor: 0, zeroBound: 0 };
    for (let k = 0; k < steps; k++) {
      const end = startMs + k * stepMs - offsetMs;
      const start = end - rangeMs;
      while (lo < n && t[lo]! <= start) lo++;
      while (hi < n && t[hi]! <= end) hi++;
      if (hi - lo < 2) continue;
      const first = v[lo]!;
      let result = v[hi - 1]! - first;
      // The resets in the window, in order, as extrapolatedRateOf adds them back.
      if (resets) for (let i = resets[lo + 1]!; i < hi; i = resets[i + 1]!) result += v[i - 1]!;
      const firstT = t[lo]!;
      const lastT = t[hi - 1]!;
      if (firstT - start !== shape.toStart || end - lastT !== shape.toEnd || hi - lo !== shape.n)
        shape = {
          toStart: firstT - start,
          toEnd: end - lastT,
          n: hi - lo,
          factor: extrapolationFactor(0, firstT, lastT, 0, hi - lo, start, end, rangeMs, false, isRate),
          // Above it, the zero point (sampledInterval * first / result) is past twice the start's distance.
          zeroBound: (2 * (firstT - start)) / (lastT - firstT),
        };
      const nearZero = result > 0 && first >= 0 && !(first > shape.zeroBound * result);
      const factor = nearZero
        ? extrapolationFactor(result, firstT, lastT, first, hi - lo, start, end, rangeMs, true, isRate)
        : shape.factor;
      const x = result * factor;
      if (!has[k]) {
        sums[k] = x;
        has[k] = 1;
        continue;
      }
      // kahanSumInc, written out: its pair per step was a tenth of the pass.
      const sum = sums[k]!;
      const next = sum + x;
      if (!Number.isFinite(next) && !Number.isNaN(next)) cs[k] = 0;
      else if (Math.abs(sum) >= Math.abs(x)) cs[k]! += sum - next + x;
      else cs[k]! += x - next + sum;
      sums[k] = next;
    }
  }

  /**
   * For each sample i, the first counter reset at or after it (a sample below the one before;
   * v.length if none), or undefined when the series never resets (most counters): a window
   * then visits its resets only, not each of its samples (a noisy counter resets every few).
   */
  private resetsOf(v: Float64Array): Int32Array | undefined {
    const n = v.length;
    let i = n - 1;
    while (i > 0 && !(v[i]! < v[i - 1]!)) i--;
    if (i <= 0) return undefined;
    if (this.resets.length < n + 1) this.resets = new Int32Array(Math.max(n + 1, 2 * this.resets.length));
    const next = this.resets;
    for (let j = n; j > i; j--) next[j] = n;
    for (; i > 0; i--) next[i] = v[i]! < v[i - 1]! ? i : next[i + 1]!;
    next[0] = next[1]!;
    return next;
  }

  groupsAdded(): SteppedGroup[] {
    return [...this.groups.values()];
  }
}

/** StepRates over a list of series; `checkpoint` runs before each (deadline, cancellation). */
export function rateByStepOf(
  series: readonly Series[],
  req: Omit<RateByStepRequest, 'matchers'>,
  checkpoint: () => void,
): SteppedGroup[] {
  const rates = new StepRates(req);
  for (const s of series) {
    checkpoint();
    rates.add(s);
  }
  return rates.groupsAdded();
}
