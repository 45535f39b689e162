import { LRUCache } from 'lru-cache';
import type { Expr } from './ast';
import { labelsKey } from './labels';
import { childrenOf } from './parse';
import type { RangeSeries } from './result';

/**
 * Range-query results kept between requests. A dashboard asks every refresh for the same range
 * moved forward by a step or two (Grafana aligns start and end to the step), and the steps it
 * has seen before cannot change once every sample they read is final: those are answered from
 * here and only the new steps are evaluated, as Mimir's and Thanos's query frontends do.
 *
 * Exactness rests on two facts:
 * - A step's value depends only on its own time and on samples at or before it (for a query
 *   without `@` or a negative offset; others are not kept), and not on the query's range.
 * - Only steps at or before `settledMs` are kept: the caller's bound on the newest time that
 *   no write can still reach (now minus the freshness, and no later than the derived metrics
 *   have been computed). A write that does reach further back calls `invalidate`, which drops
 *   what it touches, and a result evaluated while such a write landed is not kept.
 */
export interface ResultsCacheOptions {
  /** Bytes of kept results (times and values at 8 bytes each, labels at their length). */
  maxBytes: number;
  /** Longest a kept result is reused, whatever else (retention deleting old samples, for one). */
  maxAgeMs: number;
  now?: () => number;
}

export interface RangeRequest {
  /** Keeps tenants apart. */
  scope: string;
  query: string;
  startMs: number;
  endMs: number;
  stepMs: number;
  /** Steps up to here are final and may be kept. */
  settledMs: number;
}

interface Entry {
  scope: string;
  startMs: number;
  endMs: number;
  series: RangeSeries[];
  createdMs: number;
}

export interface ResultsCacheStats {
  /** Range queries answered at least in part from kept steps. */
  hits: number;
  misses: number;
  /** Steps (per query, not per series) answered from kept results. */
  stepsReused: number;
  bytes: number;
  entries: number;
}

/** Whether a query's steps are functions of their own time (no `@`, no look into the future). */
export function cacheable(e: Expr): boolean {
  if ((e.kind === 'vector' || e.kind === 'subquery') && (e.at !== undefined || e.offsetMs < 0)) return false;
  return childrenOf(e).every(cacheable);
}

export class ResultsCache {
  /** Bounded by bytes, the least recently used going first. */
  private readonly entries: LRUCache<string, Entry>;
  /** Bumped by every invalidation of a scope: a result evaluated across one is not kept. */
  private readonly generations = new Map<string, number>();
  private readonly now: () => number;
  private counts = { hits: 0, misses: 0, stepsReused: 0 };

  constructor(private readonly options: ResultsCacheOptions) {
    this.now = options.now ?? Date.now;
    this.entries = new LRUCache<string, Entry>({
      maxSize: options.maxBytes,
      sizeCalculation: (e) => Math.max(1, sizeOf(e.series)),
    });
  }

  /**
   * The query's series over the range: kept steps from here, the others from `evaluate` (called
   * for at most two sub-ranges on the same step grid, before and after the kept steps).
   */
  async range(
    req: RangeRequest,
    evaluate: (startMs: number, endMs: number) => Promise<RangeSeries[]>,
  ): Promise<RangeSeries[]> {
    const { startMs, endMs, stepMs } = req;
    const key = `${req.scope}\n${stepMs}\n${mod(startMs, stepMs)}\n${req.query}`;
    const generation = this.generations.get(req.scope) ?? 0;
    let entry = this.entries.get(key);
    if (entry && this.now() - entry.createdMs > this.options.maxAgeMs) {
      this.entries.delete(key);
      entry = undefined;
    }
    let result: RangeSeries[];
    if (!entry || entry.endMs < startMs || entry.startMs > endMs) {
      this.counts.misses++;
      result = await evaluate(startMs, endMs);
    } else {
      this.counts.hits++;
      const from = Math.max(startMs, entry.startMs);
      const to = Math.min(endMs, entry.endMs);
      this.counts.stepsReused += (to - from) / stepMs + 1;
      const kept = slice(entry.series, from, to);
      const before = startMs < from ? await evaluate(startMs, from - stepMs) : [];
      const after = endMs > to ? await evaluate(to + stepMs, endMs) : [];
      result = concat([before, kept, after]);
    }
    // The last step at or before settledMs, on the query's grid.
    const keepTo = startMs + Math.floor((Math.min(endMs, req.settledMs) - startMs) / stepMs) * stepMs;
    if (keepTo >= startMs && (this.generations.get(req.scope) ?? 0) === generation) {
      // A result larger than the whole bound is not kept (and drops what was kept under its key).
      this.entries.delete(key);
      this.entries.set(key, {
        scope: req.scope,
        startMs,
        endMs: keepTo,
        series: slice(result, startMs, keepTo),
        createdMs: this.now(),
      });
    }
    return result;
  }

  /** A write reached back to `fromMs`: kept steps of the scope at or after it are dropped. */
  invalidate(scope: string, fromMs: number): void {
    this.generations.set(scope, (this.generations.get(scope) ?? 0) + 1);
    const stale = [...this.entries.entries()].filter(([, e]) => e.scope === scope && e.endMs >= fromMs);
    for (const [key] of stale) this.entries.delete(key);
  }

  stats(): ResultsCacheStats {
    return { ...this.counts, bytes: this.entries.calculatedSize, entries: this.entries.size };
  }
}

const mod = (a: number, b: number) => ((a % b) + b) % b;

/** Each series' points in [fromMs, toMs] (series left without any are dropped). */
function slice(series: readonly RangeSeries[], fromMs: number, toMs: number): RangeSeries[] {
  const out: RangeSeries[] = [];
  for (const s of series) {
    let lo = 0;
    while (lo < s.t.length && s.t[lo]! < fromMs) lo++;
    let hi = lo;
    while (hi < s.t.length && s.t[hi]! <= toMs) hi++;
    if (hi > lo) out.push({ metric: s.metric, t: s.t.slice(lo, hi), v: s.v.slice(lo, hi) });
  }
  return out;
}

/** Series of consecutive sub-ranges joined by label set, in label order as a range query answers. */
function concat(parts: RangeSeries[][]): RangeSeries[] {
  const bySet = new Map<string, RangeSeries>();
  for (const part of parts)
    for (const s of part) {
      const k = labelsKey(s.metric);
      const into = bySet.get(k);
      if (!into) bySet.set(k, { metric: s.metric, t: Array.from(s.t), v: Array.from(s.v) });
      else {
        for (const t of s.t) into.t.push(t);
        for (const v of s.v) into.v.push(v);
      }
    }
  return [...bySet.values()];
}

function sizeOf(series: readonly RangeSeries[]): number {
  let bytes = 0;
  for (const s of series) {
    bytes += s.t.length * 16 + 64;
    for (const [k, v] of Object.entries(s.metric)) bytes += k.length + v.length + 16;
  }
  return bytes;
}
