import type { RecordedSample } from '@tracehouse/alerting';
import {
  type LabelMatcher,
  labelsKey,
  matches,
  type SelectRequest,
  type Series,
  type SeriesSource,
} from '@tracehouse/promql';

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

  constructor(
    private readonly source: SeriesSource,
    /** Samples the group's recording rules produced in this evaluation, not stored yet. */
    private readonly recorded: readonly RecordedSample[] = [],
  ) {}

  async select(req: SelectRequest): Promise<Series[]> {
    return withRecorded(await this.read(req), req, this.recorded);
  }

  /**
   * Starts the reads of these requests at once, each shared read over the widest window any of
   * them needs, so the rules that follow find their reads done (or running) and none is read
   * twice because a narrower window came first. Failures are left to the rules' own reads.
   */
  async prefetch(requests: readonly SelectRequest[]): Promise<void> {
    const widest = new Map<string, SelectRequest>();
    for (const req of requests) {
      const k = key(
        req.matchers.filter((m) => !FILTERED_IN_MEMORY.has(m.name)),
        req.endMs,
      );
      const prev = widest.get(k);
      if (!prev || req.startMs < prev.startMs) widest.set(k, req);
    }
    await Promise.allSettled([...widest.values()].map((req) => this.read(req)));
  }

  private read(req: SelectRequest): Promise<Series[]> {
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

/** Adds this evaluation's recorded samples that the request selects (they are the newest of their series). */
function withRecorded(series: Series[], req: SelectRequest, recorded: readonly RecordedSample[]): Series[] {
  const extra = recorded.filter(
    (r) =>
      r.timeMs > req.startMs &&
      r.timeMs <= req.endMs &&
      req.matchers.every((m) => matches({ ...r.labels, __name__: r.metric }, m)),
  );
  if (extra.length === 0) return series;
  const byKey = new Map(series.map((s) => [labelsKey(s.labels), s]));
  for (const r of extra) {
    const labels = { ...r.labels, __name__: r.metric };
    const k = labelsKey(labels);
    const s = byKey.get(k);
    if (!s) byKey.set(k, { labels, t: Float64Array.of(r.timeMs), v: Float64Array.of(r.value) });
    else if (s.t.length === 0 || s.t[s.t.length - 1]! < r.timeMs)
      byKey.set(k, { labels: s.labels, t: Float64Array.of(...s.t, r.timeMs), v: Float64Array.of(...s.v, r.value) });
  }
  return [...byKey.values()];
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
