import type { AtModifier, Expr, LabelMatcher, VectorSelector } from './ast';
import { childrenOf } from './parse';

/** Samples a selector needs: (startMs, endMs]. */
export interface FetchWindow {
  startMs: number;
  endMs: number;
}

export const atMs = (at: AtModifier | undefined, startMs: number, endMs: number): number | undefined =>
  at === undefined ? undefined : at === 'start' ? startMs : at === 'end' ? endMs : at.ms;

/**
 * The time range each selector of a query reads, from the evaluation range [startMs, endMs]:
 * offsets, `@`, ranges, subqueries and the lookback shift it, as in Prometheus's
 * FindMinMaxTime. Everything is fetched up front, once, then evaluated in memory.
 */
export function fetchWindows(
  root: Expr,
  startMs: number,
  endMs: number,
  lookbackMs: number,
): Map<VectorSelector, FetchWindow> {
  const out = new Map<VectorSelector, FetchWindow>();
  const visit = (e: Expr, lo: number, hi: number, rangeMs: number | undefined): void => {
    if (e.kind === 'vector') {
      const at = atMs(e.at, startMs, endMs);
      const from = (at ?? lo) - e.offsetMs - (rangeMs ?? lookbackMs);
      const to = (at ?? hi) - e.offsetMs;
      const prev = out.get(e);
      out.set(
        e,
        prev
          ? { startMs: Math.min(prev.startMs, from), endMs: Math.max(prev.endMs, to) }
          : { startMs: from, endMs: to },
      );
      return;
    }
    if (e.kind === 'matrix') {
      visit(e.vector, lo, hi, e.rangeMs);
    } else if (e.kind === 'subquery') {
      const at = atMs(e.at, startMs, endMs);
      visit(e.expr, (at ?? lo) - e.offsetMs - e.rangeMs, (at ?? hi) - e.offsetMs, undefined);
    } else {
      for (const c of childrenOf(e)) visit(c, lo, hi, undefined);
    }
  };
  visit(root, startMs, endMs, undefined);
  return out;
}

/** The label matchers of every selector in an expression (what /query_exemplars reads). */
export function selectorMatchers(root: Expr): LabelMatcher[][] {
  const out: LabelMatcher[][] = [];
  const visit = (e: Expr): void => {
    if (e.kind === 'vector') out.push(e.matchers);
    else for (const c of childrenOf(e)) visit(c);
  };
  visit(root);
  return out;
}
