import type { Expr, VectorSelector } from './ast';
import { badData, execution, PromQLError } from './errors';
import { Evaluator } from './evaluate';
import { compareLabels, type Labels, labelsKey } from './labels';
import { onePassPlan, runOnePass } from './onePass';
import { parseExpr, typeOf } from './parse';
import { fetchWindows } from './plan';
import type { QueryResult, RangeSeries } from './result';
import { cacheable, type ResultsCache } from './resultsCache';
import type { SelectRequest, Series, SeriesSource } from './source';
import type { Value } from './value';

export interface EngineOptions {
  source: SeriesSource;
  /** How far back an instant selector looks for a sample (Prometheus: 5 m). */
  lookbackDeltaMs?: number;
  /** Step of a subquery without one (Prometheus: the evaluation interval, 1 m by default). */
  defaultSubqueryStepMs?: number;
  /** Samples one query may hold (fetched plus computed), as Prometheus's query.max-samples. */
  maxSamples?: number;
  /** Series one selector may select. */
  maxSeries?: number;
  /** Default and ceiling of a query's time. */
  timeoutMs?: number;
  /** The clock (ms), for deadlines. */
  now?: () => number;
  /** Evaluate `sum(rate(...))` shapes in one pass over the series (default true; false = step by step). */
  onePass?: boolean;
  /**
   * Range results kept between queries (see resultsCache.ts): `scope` keeps tenants apart,
   * `settledMs` is the newest time whose samples can no longer change, asked at each query.
   */
  results?: { cache: ResultsCache; scope: string; settledMs: () => number };
}

export interface QueryOptions {
  /** Shorter than the engine's timeout (never longer). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type { InstantSample, QueryResult, RangeSeries } from './result';

/** Prometheus refuses range queries of more points than this per series. */
const MAX_POINTS_PER_SERIES = 11_000;

const DEFAULTS = {
  lookbackDeltaMs: 5 * 60_000,
  defaultSubqueryStepMs: 60_000,
  maxSamples: 50_000_000,
  maxSeries: 100_000,
  timeoutMs: 120_000,
  onePass: true,
};

/**
 * The PromQL engine: parse, fetch what every selector needs in one pass, evaluate in memory
 * step by step. Bounded: a sample limit (fetched and computed points), a series limit per
 * selector, a deadline checked between steps, and cancellation.
 */
export class Engine {
  private readonly o: typeof DEFAULTS & Pick<EngineOptions, 'results'> & { source: SeriesSource; now: () => number };

  constructor(options: EngineOptions) {
    this.o = { ...DEFAULTS, now: Date.now, ...stripUndefined(options) } as typeof this.o;
  }

  get lookbackDeltaMs(): number {
    return this.o.lookbackDeltaMs;
  }

  /**
   * The reads an instant query at `timeMs` would make when evaluated in memory (one per
   * selector, over the window it needs): a caller that runs many queries at one instant can
   * fetch them together first.
   */
  selectRequests(query: string | Expr, timeMs: number): SelectRequest[] {
    const expr = typeof query === 'string' ? parseExpr(query) : query;
    return [...fetchWindows(expr, timeMs, timeMs, this.o.lookbackDeltaMs)].map(([selector, w]) => ({
      matchers: selector.matchers,
      startMs: w.startMs,
      endMs: w.endMs,
      maxSeries: this.o.maxSeries,
      maxSamples: this.o.maxSamples,
    }));
  }

  /** Evaluates at one time (ms): Prometheus's /api/v1/query. */
  async instantQuery(query: string | Expr, timeMs: number, opts: QueryOptions = {}): Promise<QueryResult> {
    const expr = typeof query === 'string' ? parseExpr(query) : query;
    const pushed = await this.onePass(expr, timeMs, timeMs, 0, opts);
    if (pushed)
      return {
        resultType: 'vector',
        result: pushed.flatMap((s) => (s.t.length ? [{ metric: s.labels, t: timeMs, v: s.v[0]! }] : [])),
      };
    const run = await this.prepare(expr, timeMs, timeMs, opts);
    const v = run.evaluator.eval(expr, timeMs);
    switch (v.kind) {
      case 'scalar':
        return { resultType: 'scalar', t: timeMs, v: v.v };
      case 'string':
        return { resultType: 'string', t: timeMs, s: v.s };
      case 'vector': {
        assertUnique(v.samples.map((s) => s.labels));
        const result = v.samples.map((s) => ({ metric: s.labels, t: timeMs, v: s.v }));
        // Order is only meaningful after sort()/sort_desc(); otherwise a stable label order.
        const root = unwrap(expr);
        if (!(root.kind === 'call' && (root.func === 'sort' || root.func === 'sort_desc')))
          result.sort((a, b) => compareLabels(a.metric, b.metric));
        return { resultType: 'vector', result };
      }
      case 'matrix':
        return {
          resultType: 'matrix',
          result: v.series
            .map((w) => ({ metric: w.labels, t: Array.from(w.t), v: Array.from(w.v) }))
            .sort((a, b) => compareLabels(a.metric, b.metric)),
        };
    }
  }

  /** Evaluates at start, start + step, ... <= end (ms): Prometheus's /api/v1/query_range. */
  async rangeQuery(
    query: string | Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
    opts: QueryOptions = {},
  ): Promise<QueryResult> {
    const expr = typeof query === 'string' ? parseExpr(query) : query;
    if (endMs < startMs) throw badData('end timestamp must not be before start time');
    if (stepMs <= 0)
      throw badData('zero or negative query resolution step widths are not accepted. Try a positive integer');
    if ((endMs - startMs) / stepMs > MAX_POINTS_PER_SERIES)
      throw badData(
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    const type = typeOf(expr);
    if (type !== 'vector' && type !== 'scalar')
      throw badData(`invalid expression type "${typeName(type)}" for range query, must be Scalar or instant Vector`);
    const results = this.o.results;
    const evaluate = (from: number, to: number) => this.evaluateRange(expr, from, to, stepMs, opts);
    const series =
      results && typeof query === 'string' && cacheable(expr)
        ? await results.cache.range(
            { scope: results.scope, query, startMs, endMs, stepMs, settledMs: results.settledMs() },
            evaluate,
          )
        : await evaluate(startMs, endMs);
    return { resultType: 'matrix', result: series.sort((a, b) => compareLabels(a.metric, b.metric)) };
  }

  /** The series of a range query (validated), in no particular order. */
  private async evaluateRange(
    expr: Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
    opts: QueryOptions,
  ): Promise<RangeSeries[]> {
    const pushed = await this.onePass(expr, startMs, endMs, stepMs, opts);
    if (pushed) return pushed.map((s) => ({ metric: s.labels, t: s.t, v: s.v }));
    const run = await this.prepare(expr, startMs, endMs, opts, stepMs);
    const out = new Map<string, RangeSeries>();
    for (let t = startMs; t <= endMs; t += stepMs) {
      run.checkpoint();
      const v: Value = run.evaluator.eval(expr, t);
      const samples = v.kind === 'scalar' ? [{ labels: {}, v: v.v }] : v.kind === 'vector' ? v.samples : [];
      assertUnique(samples.map((s) => s.labels));
      for (const s of samples) {
        const k = labelsKey(s.labels);
        let series = out.get(k);
        if (!series) {
          series = { metric: s.labels, t: [], v: [] };
          out.set(k, series);
        }
        series.t.push(t);
        series.v.push(s.v);
      }
      run.addSamples(samples.length);
    }
    return [...out.values()];
  }

  /** A dashboard shape evaluated in one pass over its series (see onePass.ts). */
  private async onePass(expr: Expr, startMs: number, endMs: number, stepMs: number, opts: QueryOptions) {
    const plan = this.o.onePass ? onePassPlan(expr) : undefined;
    if (!plan) return undefined;
    const timeoutMs = Math.min(opts.timeoutMs ?? this.o.timeoutMs, this.o.timeoutMs);
    const timeout = AbortSignal.timeout(Math.max(1, timeoutMs));
    const checkpoint = this.checkpoint(opts, timeoutMs);
    try {
      return await runOnePass(
        this.o.source,
        plan,
        {
          startMs,
          endMs,
          // An instant query is one step.
          stepMs: stepMs || plan.req.rangeMs,
          maxSamples: this.o.maxSamples,
          maxSeries: this.o.maxSeries,
          signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
        },
        checkpoint,
      );
    } catch (err) {
      if (err instanceof PromQLError) throw err;
      if (timeout.aborted) throw new PromQLError('timeout', 'query timed out in query execution');
      throw err;
    }
  }

  /** A check to call between units of work: throws once the query is canceled or past its time. */
  private checkpoint(opts: QueryOptions, timeoutMs: number): () => void {
    const deadline = this.o.now() + timeoutMs;
    return () => {
      if (opts.signal?.aborted) throw new PromQLError('canceled', 'query was canceled');
      if (this.o.now() > deadline) throw new PromQLError('timeout', 'query timed out in expression evaluation');
    };
  }

  private async prepare(expr: Expr, startMs: number, endMs: number, opts: QueryOptions, stepMs = 0) {
    const timeoutMs = Math.min(opts.timeoutMs ?? this.o.timeoutMs, this.o.timeoutMs);
    let samples = 0;
    const checkpoint = this.checkpoint(opts, timeoutMs);
    const addSamples = (n: number) => {
      samples += n;
      if (samples > this.o.maxSamples)
        throw execution('query processing would load too many samples into memory in query execution');
    };
    const windows = fetchWindows(expr, startMs, endMs, this.o.lookbackDeltaMs);
    const data = new Map<VectorSelector, Series[]>();
    const timeout = AbortSignal.timeout(Math.max(1, timeoutMs));
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    try {
      await Promise.all(
        [...windows].map(async ([selector, w]) => {
          const series = await this.o.source.select({
            matchers: selector.matchers,
            startMs: w.startMs,
            endMs: w.endMs,
            maxSeries: this.o.maxSeries,
            maxSamples: this.o.maxSamples - samples,
            signal,
          });
          addSamples(series.reduce((n, s) => n + s.t.length, 0));
          data.set(selector, series);
        }),
      );
    } catch (err) {
      if (err instanceof PromQLError) throw err;
      if (timeout.aborted) throw new PromQLError('timeout', 'query timed out in query execution');
      if (opts.signal?.aborted) throw new PromQLError('canceled', 'query was canceled');
      throw err;
    }
    checkpoint();
    const evaluator = new Evaluator({
      startMs,
      endMs,
      stepMs,
      onePass: this.o.onePass,
      lookbackMs: this.o.lookbackDeltaMs,
      defaultStepMs: this.o.defaultSubqueryStepMs,
      data,
      checkpoint,
      addSamples,
    });
    return { evaluator, checkpoint, addSamples };
  }
}

const unwrap = (e: Expr): Expr => (e.kind === 'paren' ? unwrap(e.expr) : e);

function assertUnique(labels: Labels[]): void {
  if (labels.length < 2) return;
  const seen = new Set<string>();
  for (const l of labels) {
    const k = labelsKey(l);
    if (seen.has(k)) throw execution('vector cannot contain metrics with the same labelset');
    seen.add(k);
  }
}

function typeName(t: string): string {
  return t === 'matrix' ? 'range vector' : t;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
