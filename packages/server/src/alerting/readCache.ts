import type { RecordedSample } from '@tracehouse/alerting';
import {
  type LabelMatcher,
  labelsKey,
  matches,
  type SelectRequest,
  type Series,
  type SeriesSource,
} from '@tracehouse/promql';

const key = (matchers: readonly LabelMatcher[], endMs: number) =>
  `${endMs}\n${matchers
    .map((m) => `${m.name}${m.type}${m.value}`)
    .sort()
    .join('\n')}`;

/**
 * Windows up to this long are read for the whole metric: a few samples per series. Longer ones
 * (an SLO's days) keep their other matchers, so no read holds every series' days of samples.
 */
const WHOLE_METRIC_MAX_WINDOW_MS = 3_600_000;

/**
 * Matchers a long-window read still leaves out: a rule's error selector and its total selector
 * share a read, and so do the SLOs of every service and operation (their other matchers, the
 * span kinds and a latency bucket, still narrow the read).
 */
const FILTERED_IN_MEMORY = new Set(['status_code', 'service', 'span_name']);

/**
 * What a read asks the store for, and what it then filters in memory: a short window of a
 * selector that names its metric reads every series of that metric, so the rules of many
 * groups that select different services, operations or statuses of one metric share one read.
 */
function widen(req: SelectRequest): { shared: LabelMatcher[]; extra: LabelMatcher[] } {
  const whole =
    req.endMs - req.startMs <= WHOLE_METRIC_MAX_WINDOW_MS &&
    req.matchers.some((m) => m.name === '__name__' && m.type === '=');
  const inMemory = (m: LabelMatcher) => (whole ? m.name !== '__name__' : FILTERED_IN_MEMORY.has(m.name));
  return { shared: req.matchers.filter((m) => !inMemory(m)), extra: req.matchers.filter(inMemory) };
}

/**
 * Reads shared by every rule group of a tenant evaluated at one instant. Rules run at the same
 * instant select the same metrics over different windows (an SLO's eight error ratios) and with
 * different labels (one alert per operation): a read is answered from an earlier one that
 * covered its window, by dropping older samples and the series its own matchers reject (the
 * store returns counters as absolute values, so a sub-window of a read is exactly what a read of
 * the sub-window returns). Each store read costs a statement whatever its size, so fewer reads is
 * what makes hundreds of rules cheap. A metric too big to read whole (a store limit) is read
 * per selector instead.
 */
export class InstantReads {
  private readonly reads = new Map<string, { startMs: number; series: Promise<Series[]> }>();
  /** Whole metrics whose read failed (too big for the store's limits): read per selector. */
  private readonly unreadable = new Set<string>();

  constructor(private readonly source: SeriesSource) {}

  /**
   * Starts the reads of these requests at once, each shared read over the widest window any of
   * them needs, so the rules that follow find their reads done (or running) and none is read
   * twice because a narrower window came first. Failures are left to the rules' own reads.
   */
  async prefetch(requests: readonly SelectRequest[]): Promise<void> {
    const widest = new Map<string, SelectRequest>();
    for (const req of requests) {
      const k = key(widen(req).shared, req.endMs);
      const prev = widest.get(k);
      if (!prev || req.startMs < prev.startMs) widest.set(k, req);
    }
    await Promise.allSettled([...widest.values()].map((req) => this.read(req)));
  }

  read(req: SelectRequest): Promise<Series[]> {
    const { shared, extra } = widen(req);
    const wholeKey = key(shared, req.endMs);
    const exactly = () => this.covering(req).then((all) => cut(all, req.startMs, []));
    if (extra.length === 0 || this.unreadable.has(wholeKey)) return exactly();
    return this.covering({ ...req, matchers: shared }).then(
      (all) => cut(all, req.startMs, extra),
      () => {
        this.unreadable.add(wholeKey);
        return exactly();
      },
    );
  }

  /** Every series of a read of exactly these matchers whose window covers this one (it may start earlier). */
  private covering(req: SelectRequest): Promise<Series[]> {
    const k = key(req.matchers, req.endMs);
    const hit = this.reads.get(k);
    if (hit && hit.startMs <= req.startMs) return hit.series;
    const series = this.source.select(req);
    this.reads.set(k, { startMs: req.startMs, series });
    // A failed read is not remembered: the next rule tries again.
    series.catch(() => {
      if (this.reads.get(k)?.series === series) this.reads.delete(k);
    });
    return series;
  }
}

/**
 * One group evaluation's view of the reads: the instant's shared reads, plus the samples the
 * group's recording rules produced in this evaluation (visible to its later rules before they
 * are stored).
 */
export class EvaluationReadCache implements SeriesSource {
  constructor(
    private readonly reads: InstantReads,
    private readonly recorded: readonly RecordedSample[] = [],
  ) {}

  async select(req: SelectRequest): Promise<Series[]> {
    return withRecorded(await this.reads.read(req), req, this.recorded);
  }

  prefetch(requests: readonly SelectRequest[]): Promise<void> {
    return this.reads.prefetch(requests);
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
