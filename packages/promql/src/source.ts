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

/**
 * Where the engine reads series: "the series these matchers select, with their samples in
 * (start, end]". The store implements it over ClickHouse; tests implement it over arrays.
 */
export interface SeriesSource {
  select(req: SelectRequest): Promise<Series[]>;
}
