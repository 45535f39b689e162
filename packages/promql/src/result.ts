import type { Labels } from './labels';

/** What a query answers, in Prometheus's result types. */
export interface InstantSample {
  metric: Labels;
  /** ms */
  t: number;
  v: number;
}

export interface RangeSeries {
  metric: Labels;
  t: number[];
  v: number[];
}

export type QueryResult =
  | { resultType: 'vector'; result: InstantSample[] }
  | { resultType: 'matrix'; result: RangeSeries[] }
  | { resultType: 'scalar'; t: number; v: number }
  | { resultType: 'string'; t: number; s: string };
