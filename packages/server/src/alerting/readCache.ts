import type { LabelMatcher, SelectRequest, Series, SeriesSource } from '@tracehouse/promql';

const key = (matchers: readonly LabelMatcher[], endMs: number) =>
  `${endMs}\n${matchers
    .map((m) => `${m.name}${m.type}${m.value}`)
    .sort()
    .join('\n')}`;

/**
 * Reads shared by the rules of one group evaluation. They run at one instant, and many select
 * the same series over different windows (an SLO's eight error ratios): a read is answered
 * from an earlier one of the same selector that covered its window, by dropping the older
 * samples (the store returns counters as absolute values, so a sub-window of a read is exactly
 * what a read of the sub-window returns). Lives only as long as the evaluation.
 */
export class EvaluationReadCache implements SeriesSource {
  private readonly reads = new Map<string, { startMs: number; series: Promise<Series[]> }>();

  constructor(private readonly source: SeriesSource) {}

  select(req: SelectRequest): Promise<Series[]> {
    const k = key(req.matchers, req.endMs);
    const hit = this.reads.get(k);
    if (hit && hit.startMs <= req.startMs) return hit.series.then((all) => window(all, req.startMs));
    const series = this.source.select(req);
    this.reads.set(k, { startMs: req.startMs, series });
    // A failed read is not remembered: the next rule tries again.
    series.catch(() => {
      if (this.reads.get(k)?.series === series) this.reads.delete(k);
    });
    return series;
  }
}

function window(all: readonly Series[], startMs: number): Series[] {
  const out: Series[] = [];
  for (const s of all) {
    let i = 0;
    while (i < s.t.length && s.t[i]! <= startMs) i++;
    if (i === s.t.length) continue;
    out.push(i === 0 ? s : { labels: s.labels, t: s.t.subarray(i), v: s.v.subarray(i) });
  }
  return out;
}
