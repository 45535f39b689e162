import { type LabelMatcher, matches, type SelectRequest, type Series, type SeriesSource } from '@tracehouse/promql';

/**
 * Matchers a shared read leaves out and applies in memory: a rule's error selector
 * (`status_code="STATUS_CODE_ERROR"`) and its total selector then share one read.
 */
const FILTERED_IN_MEMORY = new Set(['status_code']);

const key = (matchers: readonly LabelMatcher[], endMs: number) =>
  `${endMs}\n${matchers
    .map((m) => `${m.name}${m.type}${m.value}`)
    .sort()
    .join('\n')}`;

/**
 * Reads shared by the rules of one group evaluation. They run at one instant, and many select
 * the same series over different windows (an SLO's eight error ratios) or with one more label
 * (errors among all calls): a read is answered from an earlier one that covered its window, by
 * dropping older samples and series the extra matchers reject (the store returns counters as
 * absolute values, so a sub-window of a read is exactly what a read of the sub-window returns).
 * Each store read costs a few queries whatever its size, so fewer reads is what makes hundreds
 * of rules cheap. Lives only as long as the evaluation.
 */
export class EvaluationReadCache implements SeriesSource {
  private readonly reads = new Map<string, { startMs: number; series: Promise<Series[]> }>();

  constructor(private readonly source: SeriesSource) {}

  select(req: SelectRequest): Promise<Series[]> {
    const shared = req.matchers.filter((m) => !FILTERED_IN_MEMORY.has(m.name));
    const extra = req.matchers.filter((m) => FILTERED_IN_MEMORY.has(m.name));
    const k = key(shared, req.endMs);
    const hit = this.reads.get(k);
    if (hit && hit.startMs <= req.startMs) return hit.series.then((all) => cut(all, req.startMs, extra));
    const series = this.source.select({ ...req, matchers: shared });
    this.reads.set(k, { startMs: req.startMs, series });
    // A failed read is not remembered: the next rule tries again.
    series.catch(() => {
      if (this.reads.get(k)?.series === series) this.reads.delete(k);
    });
    return series.then((all) => cut(all, req.startMs, extra));
  }
}

function cut(all: readonly Series[], startMs: number, extra: readonly LabelMatcher[]): Series[] {
  const out: Series[] = [];
  for (const s of all) {
    if (!extra.every((m) => matches(s.labels, m))) continue;
    let i = 0;
    while (i < s.t.length && s.t[i]! <= startMs) i++;
    if (i === s.t.length) continue;
    out.push(i === 0 ? s : { labels: s.labels, t: s.t.subarray(i), v: s.v.subarray(i) });
  }
  return out;
}
