// Public surface of @tracehouse/promql: parse and evaluate PromQL over a SeriesSource.
export type { Expr, LabelMatcher, MatchType } from './ast';
export { durationMs, parseDurationParam, parseTimeParam } from './duration';
export {
  Engine,
  type EngineOptions,
  type InstantSample,
  type QueryOptions,
  type QueryResult,
  type RangeSeries,
} from './engine';
export { badData, execution, type PromErrorType, PromQLError } from './errors';
export { formatFloat } from './format';
export { resultJson, sortedLabels } from './json';
export { compareLabels, type Labels, labelsKey, METRIC_NAME } from './labels';
export { MemorySource, matches } from './memorySource';
export { parseExpr, typeOf } from './parse';
export { selectorMatchers } from './plan';
export { anchoredPattern, anchoredRegex } from './regex';
export { ResultsCache, type ResultsCacheOptions, type ResultsCacheStats } from './resultsCache';
export type { SelectRequest, Series, SeriesSource } from './source';

import { Engine, type EngineOptions, type QueryOptions, type QueryResult } from './engine';

/** One-off evaluation at a time (ms), for callers without a long-lived engine (rules, tests). */
export function evaluateInstant(
  options: EngineOptions,
  query: string,
  timeMs: number,
  opts?: QueryOptions,
): Promise<QueryResult> {
  return new Engine(options).instantQuery(query, timeMs, opts);
}

export function evaluateRange(
  options: EngineOptions,
  query: string,
  startMs: number,
  endMs: number,
  stepMs: number,
  opts?: QueryOptions,
): Promise<QueryResult> {
  return new Engine(options).rangeQuery(query, startMs, endMs, stepMs, opts);
}
