/** An SLO as configured (`slos:`), validated. */
export interface SloDef {
  name: string;
  service: string;
  spanName?: string;
  /** TraceQL span filter, translated to span-metric label matchers. */
  filter?: string;
  /** Percent, e.g. 99.9. */
  objective: number;
  windowMs: number;
  /** Latency SLO: spans faster than this (ms) are good; absent = availability (no error status). */
  latencyThresholdMs?: number;
}

export type SliKind = 'availability' | 'latency';

export const sliKind = (slo: SloDef): SliKind => (slo.latencyThresholdMs === undefined ? 'availability' : 'latency');
