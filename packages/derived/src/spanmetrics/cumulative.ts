import type { Exemplar, LabelPairs } from '../exposition/format';

/** One interval's numbers for one series: counters by name, histograms by name. */
export interface SeriesDelta {
  counters: Record<string, number>;
  histograms: Record<
    string,
    { buckets: readonly number[]; sum: number; exemplars?: readonly (Exemplar | undefined)[] }
  >;
}

interface SeriesState {
  /** The tenant's stored key ('' = default): whose scrape the series belongs to. */
  tenant: string;
  labels: LabelPairs;
  counters: Record<string, number>;
  histograms: Record<string, { buckets: number[]; sum: number; exemplars: (Exemplar | undefined)[] }>;
  /** Increments held back until the series has been scraped once at 0. */
  pending: SeriesDelta[] | null;
  /** When data last arrived for the series (ms; the interval's end). */
  updatedMs: number;
}

/**
 * Cumulative totals behind `/metrics`. Counters only grow: they start from the stored
 * deltas and then add each processed interval. A series seen for the first time is exposed
 * at 0 by the next scrape and gets its increments after it, so `increase()` and `rate()` in
 * Prometheus see the first spans (Tempo does the same). Exemplars are the latest of each
 * bucket and are written once.
 */
export class CumulativeSeries {
  private readonly series = new Map<string, SeriesState>();
  /** Totals of expired series: a series that comes back continues from them. */
  private readonly retired = new Map<string, SeriesDelta>();

  constructor(private readonly bucketsOf: Record<string, number>) {}

  /** Totals restored at start: exposed at once, with no zero-first step. */
  restore(key: string, labels: LabelPairs, delta: SeriesDelta, updatedMs = 0, tenant = ''): void {
    const s = this.ensure(key, labels, tenant);
    s.updatedMs = Math.max(s.updatedMs, updatedMs);
    this.apply(s, { ...delta, histograms: mapValues(delta.histograms, (h) => ({ ...h, exemplars: undefined })) });
  }

  add(key: string, labels: LabelPairs, delta: SeriesDelta, updatedMs = 0, tenant = ''): void {
    const existing = this.series.get(key);
    const retired = this.retired.get(key);
    if (!existing && retired) {
      // Back after going stale: it continues from its totals (as a restart would restore
      // them), so rate() across the gap sees only the new increments.
      this.retired.delete(key);
      this.restore(key, labels, retired, updatedMs, tenant);
      this.apply(this.series.get(key)!, delta);
      return;
    }
    if (!existing) {
      const s = this.ensure(key, labels, tenant);
      s.pending = [delta];
      s.updatedMs = updatedMs;
      return;
    }
    existing.updatedMs = Math.max(existing.updatedMs, updatedMs);
    if (existing.pending) existing.pending.push(delta);
    else this.apply(existing, delta);
  }

  /**
   * A snapshot for one scrape, then pending increments become visible for the next one.
   * Exemplars are handed out once. `include` limits the scrape (and what it hands out) to
   * some series, e.g. one tenant's.
   */
  scrape(
    withExemplars: boolean,
    include: (tenant: string) => boolean = () => true,
  ): { key: string; state: Readonly<SeriesState> }[] {
    const scraped = [...this.series.entries()].filter(([, s]) => include(s.tenant));
    const snapshot = scraped
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, s]) => ({
        key,
        state: {
          tenant: s.tenant,
          labels: s.labels,
          counters: { ...s.counters },
          histograms: mapValues(s.histograms, (h) => ({
            buckets: [...h.buckets],
            sum: h.sum,
            exemplars: withExemplars ? [...h.exemplars] : [],
          })),
          pending: null,
          updatedMs: s.updatedMs,
        },
      }));
    for (const [, s] of scraped) {
      if (withExemplars) for (const h of Object.values(s.histograms)) h.exemplars.fill(undefined);
      if (s.pending) {
        const pending = s.pending;
        s.pending = null;
        for (const d of pending) this.apply(s, d);
      }
    }
    return snapshot;
  }

  /**
   * Drops series with no data for `staleMs` (Tempo's stale_duration, 15 min): a label set
   * that stopped (a deploy's old pod, a renamed route) stops costing a series. Returns the
   * dropped keys, so the cardinality limiter can free them.
   */
  expire(nowMs: number, staleMs: number): { key: string; tenant: string }[] {
    const dropped: { key: string; tenant: string }[] = [];
    for (const [key, s] of this.series)
      if (nowMs - s.updatedMs > staleMs) {
        for (const d of s.pending ?? []) this.apply(s, d);
        this.retired.set(key, { counters: s.counters, histograms: s.histograms });
        this.series.delete(key);
        dropped.push({ key, tenant: s.tenant });
      }
    return dropped;
  }

  get size(): number {
    return this.series.size;
  }

  private ensure(key: string, labels: LabelPairs, tenant: string): SeriesState {
    let s = this.series.get(key);
    if (!s) {
      s = {
        tenant,
        labels,
        counters: {},
        histograms: mapValues(this.bucketsOf, (n) => ({
          buckets: new Array<number>(n).fill(0),
          sum: 0,
          exemplars: new Array<Exemplar | undefined>(n).fill(undefined),
        })),
        pending: null,
        updatedMs: 0,
      };
      this.series.set(key, s);
    }
    return s;
  }

  private apply(s: SeriesState, d: SeriesDelta): void {
    for (const [name, v] of Object.entries(d.counters)) s.counters[name] = (s.counters[name] ?? 0) + v;
    for (const [name, h] of Object.entries(d.histograms)) {
      const into = s.histograms[name];
      if (!into) continue;
      for (let i = 0; i < into.buckets.length; i++) into.buckets[i]! += h.buckets[i] ?? 0;
      into.sum += h.sum;
      h.exemplars?.forEach((e, i) => {
        if (e) into.exemplars[i] = e;
      });
    }
  }
}

function mapValues<T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}
