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

/**
 * A request's fields as the folds read them, copied into an object of this module's own class:
 * the caller's object has a hidden class that lives no longer than its query (see `kept`).
 */
class RateRequest {
  /**
   * An instance for the life of the process: at a full GC V8 drops the hidden classes no live
   * object has, and the optimised code built on them (docs/performance.md, "Hidden classes kept").
   * One step of no series; its times not small integers, as real ones are not (a field that held
   * only small integers changes class at its first other number).
   */
  static readonly kept = new RateRequest({
    func: 'rate',
    rangeMs: 300_000,
    offsetMs: 0,
    startMs: 2 ** 40,
    endMs: 2 ** 40,
    stepMs: 60_000,
    without: false,
  });

  readonly func: 'rate' | 'increase';
  readonly rangeMs: number;
  readonly offsetMs: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  readonly grouping: readonly string[] | undefined;
  readonly without: boolean;

  constructor(req: Omit<RateByStepRequest, 'matchers'>) {
    this.func = req.func;
    this.rangeMs = req.rangeMs;
    this.offsetMs = req.offsetMs;
    this.startMs = req.startMs;
    this.endMs = req.endMs;
    this.stepMs = req.stepMs;
    this.grouping = req.grouping;
    this.without = req.without;
  }
}

/** One group's values at every step of the range. */
export class SteppedGroup {
  /**
   * An instance for the life of the process: at a full GC V8 drops the hidden classes no live
   * object has, and the optimised code built on them (docs/performance.md, "Hidden classes kept").
   */
  static readonly kept = new SteppedGroup({}, 0, false);

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
  /**
   * An instance for the life of the process: at a full GC V8 drops the hidden classes no live
   * object has, and the optimised code built on them (docs/performance.md, "Hidden classes kept").
   */
  static readonly kept = new StepRates(RateRequest.kept);

  private readonly steps: number;
  private readonly groups = new Map<string | number, SteppedGroup>();
  /** The windows of the last series added, for the next one sampled at the same times. */
  private plan: WindowPlan | undefined;
  /** resetsOf's array, reused from series to series. */
  private resets = new Int32Array(0);

  private readonly req: RateRequest;

  constructor(req: Omit<RateByStepRequest, 'matchers'>) {
    this.req = new RateRequest(req);
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
    if (!this.plan?.fits(t)) this.plan = new WindowPlan(t, req, steps);
    const { lo, hi, factor: shapeFactor, zeroBound } = this.plan;
    const isRate = req.func === 'rate';
    const resets = s.monotonic ? undefined : this.resetsOf(v);
    for (let k = 0; k < steps; k++) {
      const l = lo[k]!;
      const h = hi[k]!;
      if (h - l < 2) continue;
      const first = v[l]!;
      let result = v[h - 1]! - first;
      // The resets in the window, in order, as extrapolatedRateOf adds them back.
      if (resets) for (let i = resets[l + 1]!; i < h; i = resets[i + 1]!) result += v[i - 1]!;
      let factor = shapeFactor[k]!;
      if (result > 0 && first >= 0 && !(first > zeroBound[k]! * result)) {
        // The counter's zero point may be closer than the window's start: the factor in full.
        const end = req.startMs + k * req.stepMs - req.offsetMs;
        factor = extrapolationFactor(
          result,
          t[l]!,
          t[h - 1]!,
          first,
          h - l,
          end - req.rangeMs,
          end,
          req.rangeMs,
          true,
          isRate,
        );
      }
      const x = result * factor;
      if (!has[k]) {
        sums[k] = x;
        has[k] = 1;
        continue;
      }
      // kahanSumInc, written out so that the loop makes no pair per step.
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

/**
 * Where each step's window falls on a series' sample times (samples [lo, hi)) and the factor
 * extrapolatedRate multiplies its increase by, unless a counter's zero point moves the window's
 * start (then first / result is at most `zeroBound`, and the factor is worked out in full). It
 * depends on the times alone, so series sampled at the same times share it: the points of one
 * OTLP export all carry its time, and a day of 1,000 such series walked the same times 1,000 times.
 */
class WindowPlan {
  /**
   * An instance for the life of the process: at a full GC V8 drops the hidden classes no live
   * object has, and the optimised code built on them (docs/performance.md, "Hidden classes kept").
   */
  static readonly kept = new WindowPlan(new Float64Array(0), RateRequest.kept, 0);

  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly factor: Float64Array;
  readonly zeroBound: Float64Array;
  private readonly t: Float64Array;

  constructor(t: Float64Array, req: RateRequest, steps: number) {
    this.t = t.slice();
    this.lo = new Int32Array(steps);
    this.hi = new Int32Array(steps);
    this.factor = new Float64Array(steps);
    this.zeroBound = new Float64Array(steps);
    const n = t.length;
    const isRate = req.func === 'rate';
    let lo = 0;
    let hi = 0;
    // A window placed on its samples as the one before (regular samples, a step a multiple of
    // their interval: nearly every window) has the same factor.
    let toStart = Number.NaN;
    let toEnd = Number.NaN;
    let count = 0;
    let factor = 0;
    for (let k = 0; k < steps; k++) {
      const end = req.startMs + k * req.stepMs - req.offsetMs;
      const start = end - req.rangeMs;
      while (lo < n && t[lo]! <= start) lo++;
      while (hi < n && t[hi]! <= end) hi++;
      this.lo[k] = lo;
      this.hi[k] = hi;
      if (hi - lo < 2) continue;
      const firstT = t[lo]!;
      const lastT = t[hi - 1]!;
      if (firstT - start !== toStart || end - lastT !== toEnd || hi - lo !== count) {
        toStart = firstT - start;
        toEnd = end - lastT;
        count = hi - lo;
        factor = extrapolationFactor(0, firstT, lastT, 0, count, start, end, req.rangeMs, false, isRate);
      }
      this.factor[k] = factor;
      // Above it, the zero point (sampledInterval * first / result) is past twice the start's distance.
      this.zeroBound[k] = (2 * toStart) / (lastT - firstT);
    }
  }

  /** Whether a series sampled at `t` has these windows. */
  fits(t: Float64Array): boolean {
    const own = this.t;
    if (own.length !== t.length || own[0] !== t[0]) return false;
    // The same bytes, compared by memcmp: ~10x a loop over the numbers (times are never NaN or -0).
    return bytesOf(own).equals(bytesOf(t));
  }
}

const bytesOf = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
