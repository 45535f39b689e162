import { type SloDef, sliKind } from './model';

/** What GET /api/v1/slos reports per SLO. Ratios are 0..1; null where there was no traffic. */
export interface SloStatus {
  name: string;
  service: string;
  sliKind: 'availability' | 'latency';
  /** Percent. */
  objective: number;
  window: string;
  /** Share of good events over the SLO window. */
  sli: number | null;
  /** 1 = untouched, 0 = spent, negative = overspent. */
  errorBudgetRemaining: number | null;
  /** Burn rate per window: error ratio / error budget (1 = spending exactly the budget). */
  burnRates: Record<string, number | null>;
}

/** SLO status from the error ratios recorded per window (`errorRatios['5m']`, ...). */
export function sloStatus(slo: SloDef, window: string, errorRatios: Record<string, number | undefined>): SloStatus {
  const budget = 1 - slo.objective / 100;
  const finite = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);
  const overall = finite(errorRatios[window]);
  const burnRates: Record<string, number | null> = {};
  for (const [w, r] of Object.entries(errorRatios)) {
    const v = finite(r);
    burnRates[w] = v === null ? null : v / budget;
  }
  return {
    name: slo.name,
    service: slo.service,
    sliKind: sliKind(slo),
    objective: slo.objective,
    window,
    sli: overall === null ? null : 1 - overall,
    errorBudgetRemaining: overall === null ? null : 1 - overall / budget,
    burnRates,
  };
}
