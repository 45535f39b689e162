import type { LabelMatcher } from './ast';
import type { Labels } from './labels';

/** One series' samples in a time range, oldest first; times in ms. */
export interface Series {
  labels: Labels;
  t: Float64Array;
  v: Float64Array;
}

export interface SelectRequest {
  matchers: readonly LabelMatcher[];
  /** Samples with startMs < t <= endMs are needed. */
  startMs: number;
  endMs: number;
  /** Refuse (throw) past this many series or samples. */
  maxSeries: number;
  maxSamples: number;
  signal?: AbortSignal;
}

/** `sum by|without (grouping) (rate|increase(selector[range] offset o))` at every step. */
export interface RateByStepRequest {
  matchers: readonly LabelMatcher[];
  func: 'rate' | 'increase';
  rangeMs: number;
  offsetMs: number;
  startMs: number;
  endMs: number;
  stepMs: number;
  grouping: readonly string[];
  without: boolean;
  maxSamples: number;
  signal?: AbortSignal;
}

/** One group's values at the steps where it has one. */
export interface StepSeries {
  labels: Labels;
  t: number[];
  v: number[];
}

/**
 * Where the engine reads series: "the series these matchers select, with their samples in
 * (start, end]". The store implements it over ClickHouse; tests implement it over arrays.
 */
export interface SeriesSource {
  select(req: SelectRequest): Promise<Series[]>;
  /**
   * Optional: the whole `sum(rate(...))` computed where the data is, with the same semantics;
   * undefined when the source cannot do it exactly (the engine then evaluates in memory).
   */
  rateByStep?(req: RateByStepRequest): Promise<StepSeries[] | undefined>;
}
