import type { Expr, LabelMatcher, VectorSelector } from './ast';
import { histogramQuantile } from './functions/instant';
import type { Labels } from './labels';
import { compareLabels, labelsKey } from './labels';
import type { SeriesSource } from './source';
import { rateByStepOf } from './stepRate';

/** `sum by|without (grouping) (rate|increase(selector[range] offset o))` at every step. */
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

/** One group's values at the steps where it has one. */
export interface StepSeries {
  labels: Labels;
  t: number[];
  v: number[];
}

const unwrap = (e: Expr): Expr => (e.kind === 'paren' ? unwrap(e.expr) : e);

export interface Plan {
  selector: VectorSelector;
  req: Omit<RateByStepRequest, 'startMs' | 'endMs' | 'stepMs'>;
  /** histogram_quantile(q, ...) around the sum. */
  quantile?: number;
}

/**
 * The dashboard shapes evaluated in one pass over the series rather than step by step:
 * `rate|increase(m[r])`, alone or summed by or without labels, alone or inside
 * `histogram_quantile(q, ...)` (keeping `le`), over a selector that names one metric, without `@`.
 */
export function onePassPlan(expr: Expr): Plan | undefined {
  let root = unwrap(expr);
  let quantile: number | undefined;
  if (root.kind === 'call' && root.func === 'histogram_quantile') {
    const q = unwrap(root.args[0]!);
    if (q.kind !== 'number') return undefined;
    quantile = q.value;
    root = unwrap(root.args[1]!);
  }
  const sum = root.kind === 'aggregate' && root.op === 'sum' ? root : undefined;
  if (root.kind === 'aggregate' && !sum) return undefined;
  const call = sum ? unwrap(sum.expr) : root;
  if (call.kind !== 'call' || (call.func !== 'rate' && call.func !== 'increase')) return undefined;
  const m = call.args[0]!;
  if (m.kind !== 'matrix' || m.vector.at) return undefined;
  if (!m.vector.matchers.some((x) => x.name === '__name__' && x.type === '=')) return undefined;
  // histogram_quantile needs `le` in the groups.
  if (quantile !== undefined && sum && sum.without === sum.grouping.includes('le')) return undefined;
  return {
    quantile,
    selector: m.vector,
    req: {
      matchers: m.vector.matchers,
      func: call.func,
      rangeMs: m.rangeMs,
      offsetMs: m.vector.offsetMs,
      grouping: sum?.grouping,
      without: sum?.without ?? false,
    },
  };
}

/** Runs a plan over the series its selector selects (see stepRate.ts). */
export async function runOnePass(
  source: SeriesSource,
  plan: Plan,
  range: {
    startMs: number;
    endMs: number;
    stepMs: number;
    maxSamples: number;
    maxSeries: number;
    signal?: AbortSignal;
  },
  checkpoint: () => void,
): Promise<StepSeries[]> {
  const req = { ...plan.req, ...range };
  const series = await source.select({
    matchers: req.matchers,
    startMs: req.startMs - req.offsetMs - req.rangeMs,
    endMs: req.endMs - req.offsetMs,
    maxSeries: range.maxSeries,
    maxSamples: range.maxSamples,
    signal: range.signal,
  });
  const steps = Math.floor((req.endMs - req.startMs) / req.stepMs) + 1;
  const groups: StepSeries[] = rateByStepOf(series, req, checkpoint)
    .map((g) => {
      const s: StepSeries = { labels: g.labels, t: [], v: [] };
      for (let k = 0; k < steps; k++) {
        const v = g.value(k);
        if (v === undefined) continue;
        s.t.push(req.startMs + k * req.stepMs);
        s.v.push(v);
      }
      return s;
    })
    .filter((s) => s.t.length > 0);
  if (plan.quantile === undefined) return groups.sort((a, b) => compareLabels(a.labels, b.labels));
  // histogram_quantile per step over the groups' values at that step.
  const byTime = new Map<number, { labels: StepSeries['labels']; v: number }[]>();
  for (const g of groups)
    g.t.forEach((t, i) => {
      const at = byTime.get(t) ?? [];
      if (at.length === 0) byTime.set(t, at);
      at.push({ labels: g.labels, v: g.v[i]! });
    });
  const out = new Map<string, StepSeries>();
  for (const t of [...byTime.keys()].sort((a, b) => a - b))
    for (const s of histogramQuantile(plan.quantile, byTime.get(t)!)) {
      const k = labelsKey(s.labels);
      const series = out.get(k) ?? { labels: s.labels, t: [], v: [] };
      if (series.t.length === 0) out.set(k, series);
      series.t.push(t);
      series.v.push(s.v);
    }
  return [...out.values()].sort((a, b) => compareLabels(a.labels, b.labels));
}
