import type { Exemplar, LabelPairs } from './exposition';

/** One interval's numbers for one series: counters by name, histograms by name. */
export interface SeriesDelta {
  counters: Record<string, number>;
  histograms: Record<
    string,
    { buckets: readonly number[]; sum: number; exemplars?: readonly (Exemplar | undefined)[] }
  >;
}

interface SeriesState {
  labels: LabelPairs;
  counters: Record<string, number>;
  histograms: Record<string, { buckets: number[]; sum: number; exemplars: (Exemplar | undefined)[] }>;
  /** Increments held back until the series has been scraped once at 0. */
  pending: SeriesDelta[] | null;
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

  constructor(private readonly bucketsOf: Record<string, number>) {}

  /** Totals restored at start: exposed at once, with no zero-first step. */
  restore(key: string, labels: LabelPairs, delta: SeriesDelta): void {
    const s = this.ensure(key, labels);
    this.apply(s, { ...delta, histograms: mapValues(delta.histograms, (h) => ({ ...h, exemplars: undefined })) });
  }

  add(key: string, labels: LabelPairs, delta: SeriesDelta): void {
    const existing = this.series.get(key);
    if (!existing) {
      const s = this.ensure(key, labels);
      s.pending = [delta];
      return;
    }
    if (existing.pending) existing.pending.push(delta);
    else this.apply(existing, delta);
  }

  /**
   * A snapshot for one scrape, then pending increments become visible for the next one.
   * Exemplars are handed out once.
   */
  scrape(withExemplars: boolean): { key: string; state: Readonly<SeriesState> }[] {
    const snapshot = [...this.series.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, s]) => ({
        key,
        state: {
          labels: s.labels,
          counters: { ...s.counters },
          histograms: mapValues(s.histograms, (h) => ({
            buckets: [...h.buckets],
            sum: h.sum,
            exemplars: withExemplars ? [...h.exemplars] : [],
          })),
          pending: null,
        },
      }));
    for (const s of this.series.values()) {
      if (withExemplars) for (const h of Object.values(s.histograms)) h.exemplars.fill(undefined);
      if (s.pending) {
        const pending = s.pending;
        s.pending = null;
        for (const d of pending) this.apply(s, d);
      }
    }
    return snapshot;
  }

  get size(): number {
    return this.series.size;
  }

  private ensure(key: string, labels: LabelPairs): SeriesState {
    let s = this.series.get(key);
    if (!s) {
      s = {
        labels,
        counters: {},
        histograms: mapValues(this.bucketsOf, (n) => ({
          buckets: new Array<number>(n).fill(0),
          sum: 0,
          exemplars: new Array<Exemplar | undefined>(n).fill(undefined),
        })),
        pending: null,
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
