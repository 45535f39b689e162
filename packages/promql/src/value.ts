import type { Labels } from './labels';

/** One element of an instant vector. `t` is the sample's own time where it matters (timestamp()). */
export interface Sample {
  labels: Labels;
  v: number;
  t?: number;
}

/** One series' samples inside a range window (views into the fetched arrays, not copies). */
export interface Window {
  labels: Labels;
  t: Float64Array;
  v: Float64Array;
}

/** A range vector at one evaluation time, with the bounds rate() extrapolates to. */
export interface RangeValue {
  kind: 'matrix';
  series: Window[];
  /** Exclusive start and inclusive end of the window (ms), and its length. */
  startMs: number;
  endMs: number;
  rangeMs: number;
}

export type Value =
  | { kind: 'vector'; samples: Sample[] }
  | { kind: 'scalar'; v: number }
  | { kind: 'string'; s: string }
  | RangeValue;

export const vector = (samples: Sample[]): Value => ({ kind: 'vector', samples });
export const scalar = (v: number): Value => ({ kind: 'scalar', v });
