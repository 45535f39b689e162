import type { LabelMatcher } from './ast';
import type { Labels } from './labels';

/** One series' samples in a time range, oldest first; times in ms. */
export interface Series {
  labels: Labels;
  t: Float64Array;
  v: Float64Array;
  /**
   * True: the values never decrease (the source checked as it read them), so rate() need not
   * look for counter resets; absent: not known.
   */
  monotonic?: boolean;
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
  /**
   * The series `select` gives, in its order, to `visit` one at a time, for a caller that only
   * folds them (a one-pass dashboard): a series' arrays may be the source's, valid only during
   * its visit, so a source can build each in one buffer that stays in the CPU's cache instead
   * of holding every sample of the range at once. Optional: callers fall back to `select`.
   */
  forEachSeries?(req: SelectRequest, visit: (s: Series) => void): Promise<void>;
}
