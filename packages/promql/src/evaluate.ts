import { aggregate } from './aggregate';
import type { Call, Expr, Subquery, VectorSelector } from './ast';
import { isComparison, scalarOp, setOp, vectorOp, vectorScalarOp } from './binary';
import { badData, execution, PromQLError } from './errors';
import {
  absentLabels,
  applyCalendar,
  applyUnary,
  clamp,
  histogramQuantile,
  isCalendarFunction,
  isUnaryFunction,
  labelJoin,
  labelReplace,
  round,
  sortByValue,
} from './functions/instant';
import { applyRangeFunction } from './functions/range';
import { dropName, labelsKey } from './labels';
import { onePassPlan, type Plan } from './onePass';
import { atMs } from './plan';
import type { Series } from './source';
import { SteppedHistograms } from './steppedQuantile';
import { rateByStepOf, type SteppedGroup } from './stepRate';
import { type RangeValue, type Sample, scalar, type Value, vector, type Window } from './value';

export interface EvalContext {
  /** The query's own range and step (an instant query: start = end, step 0). */
  startMs: number;
  endMs: number;
  stepMs: number;
  /** Evaluate rate() shapes for all steps at once (false: strictly step by step). */
  onePass: boolean;
  lookbackMs: number;
  /** Subqueries without a step use this. */
  defaultStepMs: number;
  data: Map<VectorSelector, Series[]>;
  /** Throws when the query ran out of time or was cancelled. */
  checkpoint: () => void;
  /** Counts points held by subqueries against the sample limit. */
  addSamples: (n: number) => void;
}

/** Index of the first element > x in a sorted array. */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const unwrap = (e: Expr): Expr => (e.kind === 'paren' ? unwrap(e.expr) : e);

/**
 * Evaluates a parsed expression at one time over the series fetched for its selectors, with
 * Prometheus's semantics: the latest sample within the lookback for an instant selector,
 * (t - range, t] for a range, subqueries evaluated at aligned steps (memoised across steps).
 */
export class Evaluator {
  private readonly subqueryPoints = new Map<Subquery, Map<number, Sample[]>>();
  /** Expressions evaluated for every step in one pass (null: not such an expression). */
  private readonly passes = new Map<Expr, { plan: Plan; groups?: SteppedGroup[] } | null>();
  /** histogram_quantile calls over a stepped sum, their buckets grouped once (steppedQuantile). */
  private readonly histograms = new Map<Call, SteppedHistograms>();

  constructor(private readonly ctx: EvalContext) {}

  eval(e: Expr, t: number): Value {
    switch (e.kind) {
      case 'number':
        return scalar(e.value);
      case 'string':
        return { kind: 'string', s: e.value };
      case 'paren':
        return this.eval(e.expr, t);
      case 'vector':
        return vector(this.instantSelector(e, t));
      case 'matrix':
        return this.rangeSelector(e.vector, e.rangeMs, t);
      case 'subquery':
        return this.subquery(e, t);
      case 'unary': {
        const v = this.eval(e.expr, t);
        if (e.op === '+') return v;
        if (v.kind === 'scalar') return scalar(-v.v);
        if (v.kind === 'vector') return vector(v.samples.map((s) => ({ labels: dropName(s.labels), v: -s.v })));
        throw badData('unary expression only allowed on expressions of type scalar or instant vector', e.pos);
      }
      case 'aggregate': {
        const stepped = this.stepped(e, t);
        if (stepped) return stepped;
        const v = this.eval(e.expr, t) as Extract<Value, { kind: 'vector' }>;
        let param: number | string | undefined;
        if (e.param) {
          const p = this.eval(e.param, t);
          param = p.kind === 'scalar' ? p.v : p.kind === 'string' ? p.s : undefined;
        }
        return vector(aggregate(e.op, v.samples, e.grouping, e.without, param));
      }
      case 'binary':
        return this.binary(e, t);
      case 'call':
        return this.stepped(e, t) ?? this.call(e, t);
    }
  }

  /**
   * `rate|increase(m[r])`, alone or summed by or without labels, at a step of the query: all
   * steps are computed in one pass over the series at the first (stepRate.ts), equal to the
   * step-by-step evaluation and without its per-step windows. Undefined for any other
   * expression, and at a time off the query's steps (inside a subquery).
   */
  private stepped(e: Expr, t: number): Value | undefined {
    const pass = this.steppedPass(e, t);
    if (!pass) return undefined;
    const out: Sample[] = [];
    for (const g of pass.groups) {
      const v = g.value(pass.k);
      if (v !== undefined) out.push({ labels: g.labels, v });
    }
    return vector(out);
  }

  /** stepped's groups and the step t is, computed at the first step; undefined where stepped is. */
  private steppedPass(e: Expr, t: number): { groups: SteppedGroup[]; k: number } | undefined {
    let pass = this.passes.get(e);
    if (pass === undefined) {
      const plan = this.ctx.onePass ? onePassPlan(e) : undefined;
      pass = plan ? { plan } : null;
      this.passes.set(e, pass);
    }
    if (!pass) return undefined;
    const stepMs = this.ctx.stepMs || 1;
    const k = (t - this.ctx.startMs) / stepMs;
    if (!Number.isInteger(k) || k < 0 || t > this.ctx.endMs) return undefined;
    pass.groups ??= rateByStepOf(
      this.ctx.data.get(pass.plan.selector) ?? [],
      { ...pass.plan.req, startMs: this.ctx.startMs, endMs: this.ctx.endMs, stepMs },
      this.ctx.checkpoint,
    );
    return { groups: pass.groups, k };
  }

  /** histogram_quantile of a stepped sum (steppedQuantile.ts); undefined where that is not its argument. */
  private steppedQuantile(e: Call, t: number): Value | undefined {
    const pass = this.steppedPass(e.args[1]!, t);
    if (!pass) return undefined;
    let histograms = this.histograms.get(e);
    if (!histograms) {
      histograms = new SteppedHistograms(pass.groups);
      this.histograms.set(e, histograms);
    }
    return vector(histograms.at(pass.k, this.scalarArg(e.args[0]!, t)));
  }

  private instantSelector(e: VectorSelector, t: number): Sample[] {
    const ref = (atMs(e.at, this.ctx.startMs, this.ctx.endMs) ?? t) - e.offsetMs;
    const from = ref - this.ctx.lookbackMs;
    const out: Sample[] = [];
    for (const s of this.ctx.data.get(e) ?? []) {
      const i = upperBound(s.t, ref) - 1;
      if (i >= 0 && s.t[i]! > from) out.push({ labels: s.labels, v: s.v[i]!, t: s.t[i]! });
    }
    return out;
  }

  private rangeSelector(e: VectorSelector, rangeMs: number, t: number): RangeValue {
    const ref = (atMs(e.at, this.ctx.startMs, this.ctx.endMs) ?? t) - e.offsetMs;
    const series: Window[] = [];
    for (const s of this.ctx.data.get(e) ?? []) {
      const lo = upperBound(s.t, ref - rangeMs);
      const hi = upperBound(s.t, ref);
      if (hi > lo) series.push({ labels: s.labels, t: s.t.subarray(lo, hi), v: s.v.subarray(lo, hi) });
    }
    return { kind: 'matrix', series, startMs: ref - rangeMs, endMs: ref, rangeMs };
  }

  private subquery(e: Subquery, t: number): RangeValue {
    const ref = (atMs(e.at, this.ctx.startMs, this.ctx.endMs) ?? t) - e.offsetMs;
    const step = e.stepMs || this.ctx.defaultStepMs;
    let memo = this.subqueryPoints.get(e);
    if (!memo) {
      memo = new Map();
      this.subqueryPoints.set(e, memo);
    }
    const bySeries = new Map<string, { labels: Sample['labels']; t: number[]; v: number[] }>();
    // Aligned to absolute multiples of the step, so every outer step reuses the inner points.
    for (let ts = Math.floor((ref - e.rangeMs) / step) * step + step; ts <= ref; ts += step) {
      let samples = memo.get(ts);
      if (!samples) {
        this.ctx.checkpoint();
        const v = this.eval(e.expr, ts);
        samples = v.kind === 'vector' ? v.samples : [];
        memo.set(ts, samples);
        this.ctx.addSamples(samples.length);
      }
      for (const s of samples) {
        const k = labelsKey(s.labels);
        let w = bySeries.get(k);
        if (!w) {
          w = { labels: s.labels, t: [], v: [] };
          bySeries.set(k, w);
        }
        w.t.push(ts);
        w.v.push(s.v);
      }
    }
    const series = [...bySeries.values()].map((w) => ({
      labels: w.labels,
      t: Float64Array.from(w.t),
      v: Float64Array.from(w.v),
    }));
    return { kind: 'matrix', series, startMs: ref - e.rangeMs, endMs: ref, rangeMs: e.rangeMs };
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, t: number): Value {
    const l = this.eval(e.lhs, t);
    const r = this.eval(e.rhs, t);
    if (l.kind === 'scalar' && r.kind === 'scalar') return scalar(scalarOp(e.op, l.v, r.v));
    if (l.kind === 'vector' && r.kind === 'scalar')
      return vector(vectorScalarOp(e.op, l.samples, r.v, false, e.returnBool));
    if (l.kind === 'scalar' && r.kind === 'vector')
      return vector(vectorScalarOp(e.op, r.samples, l.v, true, e.returnBool));
    if (l.kind === 'vector' && r.kind === 'vector') {
      const m = e.matching!;
      if (e.op === 'and' || e.op === 'or' || e.op === 'unless') return vector(setOp(e.op, l.samples, r.samples, m));
      return vector(vectorOp(e.op, l.samples, r.samples, m, e.returnBool && isComparison(e.op)));
    }
    throw badData('binary expression must contain only scalar and instant vector types', e.pos);
  }

  private scalarArg(e: Expr, t: number): number {
    const v = this.eval(e, t);
    if (v.kind !== 'scalar') throw execution('expected a scalar');
    return v.v;
  }

  private stringArg(e: Expr, t: number): string {
    const v = this.eval(e, t);
    if (v.kind !== 'string') throw execution('expected a string');
    return v.s;
  }

  private vectorArg(e: Expr, t: number): Sample[] {
    const v = this.eval(e, t);
    if (v.kind !== 'vector') throw execution('expected an instant vector');
    return v.samples;
  }

  private call(e: Call, t: number): Value {
    const { func, args } = e;
    switch (func) {
      case 'time':
        return scalar(t / 1000);
      case 'pi':
        return scalar(Math.PI);
      case 'vector':
        return vector([{ labels: {}, v: this.scalarArg(args[0]!, t) }]);
      case 'scalar': {
        const s = this.vectorArg(args[0]!, t);
        return scalar(s.length === 1 ? s[0]!.v : Number.NaN);
      }
      case 'timestamp': {
        const s = this.vectorArg(args[0]!, t);
        // A selector's samples carry their own time; anything computed is "now".
        return vector(s.map((x) => ({ labels: dropName(x.labels), v: (x.t ?? t) / 1000 })));
      }
      case 'absent': {
        if (this.vectorArg(args[0]!, t).length) return vector([]);
        const arg = unwrap(args[0]!);
        return vector([{ labels: absentLabels(arg.kind === 'vector' ? arg.matchers : undefined), v: 1 }]);
      }
      case 'absent_over_time': {
        const r = this.eval(args[0]!, t) as RangeValue;
        if (r.series.length) return vector([]);
        const arg = unwrap(args[0]!);
        return vector([{ labels: absentLabels(arg.kind === 'matrix' ? arg.vector.matchers : undefined), v: 1 }]);
      }
      case 'histogram_quantile':
        return (
          this.steppedQuantile(e, t) ??
          unique(histogramQuantile(this.scalarArg(args[0]!, t), this.vectorArg(args[1]!, t)))
        );
      case 'quantile_over_time':
        return unique(applyRangeFunction(func, this.eval(args[1]!, t) as RangeValue, this.scalarArg(args[0]!, t)));
      case 'predict_linear':
        return unique(applyRangeFunction(func, this.eval(args[0]!, t) as RangeValue, this.scalarArg(args[1]!, t), t));
      case 'clamp':
        return unique(clamp(this.vectorArg(args[0]!, t), this.scalarArg(args[1]!, t), this.scalarArg(args[2]!, t)));
      case 'clamp_min':
        return unique(clamp(this.vectorArg(args[0]!, t), this.scalarArg(args[1]!, t), Number.POSITIVE_INFINITY));
      case 'clamp_max':
        return unique(clamp(this.vectorArg(args[0]!, t), Number.NEGATIVE_INFINITY, this.scalarArg(args[1]!, t)));
      case 'round':
        return unique(round(this.vectorArg(args[0]!, t), args[1] ? this.scalarArg(args[1], t) : 1));
      case 'sort':
      case 'sort_desc':
        return vector(sortByValue(this.vectorArg(args[0]!, t), func === 'sort_desc'));
      case 'label_replace':
        return unique(
          labelReplace(
            this.vectorArg(args[0]!, t),
            this.stringArg(args[1]!, t),
            this.stringArg(args[2]!, t),
            this.stringArg(args[3]!, t),
            this.stringArg(args[4]!, t),
          ),
        );
      case 'label_join':
        return unique(
          labelJoin(
            this.vectorArg(args[0]!, t),
            this.stringArg(args[1]!, t),
            this.stringArg(args[2]!, t),
            args.slice(3).map((a) => this.stringArg(a, t)),
          ),
        );
    }
    if (isUnaryFunction(func)) return unique(applyUnary(func, this.vectorArg(args[0]!, t)));
    if (isCalendarFunction(func)) {
      const input = args[0] ? this.vectorArg(args[0], t) : [{ labels: {}, v: t / 1000 }];
      return unique(applyCalendar(func, input));
    }
    const r = this.eval(args[0]!, t);
    if (r.kind !== 'matrix') throw execution(`expected a range vector in call to ${func}`);
    return unique(applyRangeFunction(func, r));
  }
}

/** Prometheus refuses a result where two elements have the same labels (e.g. after dropping names). */
function unique(samples: Sample[]): Value {
  if (samples.length > 1) {
    const seen = new Set<string>();
    for (const s of samples) {
      const k = labelsKey(s.labels);
      if (seen.has(k)) throw new PromQLError('execution', 'vector cannot contain metrics with the same labelset');
      seen.add(k);
    }
  }
  return vector(samples);
}
