import type { LabelMatcher } from './ast';
import { execution } from './errors';
import type { Labels } from './labels';
import { anchoredRegex } from './regex';
import type { SelectRequest, Series, SeriesSource } from './source';

/** Whether a label set satisfies one matcher (a missing label reads as ""). */
export function matches(labels: Labels, m: LabelMatcher): boolean {
  const v = labels[m.name] ?? '';
  switch (m.type) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchoredRegex(m.value).matches(v);
    case '!~':
      return !anchoredRegex(m.value).matches(v);
  }
}

/** Series held in memory: for tests, and for callers that evaluate over samples they already have. */
export class MemorySource implements SeriesSource {
  private readonly series: { labels: Labels; t: number[]; v: number[] }[] = [];

  /** Adds samples (ms, value) to a series, in time order. */
  add(labels: Labels, samples: readonly (readonly [number, number])[]): this {
    this.series.push({ labels, t: samples.map((s) => s[0]), v: samples.map((s) => s[1]) });
    return this;
  }

  async select(req: SelectRequest): Promise<Series[]> {
    const out: Series[] = [];
    for (const s of this.series) {
      if (!req.matchers.every((m) => matches(s.labels, m))) continue;
      const idx = s.t.flatMap((t, i) => (t > req.startMs && t <= req.endMs ? [i] : []));
      if (idx.length === 0) continue;
      out.push({
        labels: s.labels,
        t: Float64Array.from(idx, (i) => s.t[i]!),
        v: Float64Array.from(idx, (i) => s.v[i]!),
      });
      if (out.length > req.maxSeries) throw execution(`query selects more than ${req.maxSeries} series`);
    }
    return out;
  }

  /**
   * Each series in one buffer, overwritten with NaN after its visit, as a store that reuses
   * its buffer leaves it: a caller that keeps a series' arrays past its visit reads garbage.
   */
  async forEachSeries(req: SelectRequest, visit: (s: Series) => void): Promise<void> {
    let t = new Float64Array(0);
    let v = new Float64Array(0);
    for (const s of await this.select(req)) {
      const n = s.t.length;
      if (t.length < n) {
        t = new Float64Array(n);
        v = new Float64Array(n);
      }
      t.set(s.t);
      v.set(s.v);
      visit({ labels: s.labels, t: t.subarray(0, n), v: v.subarray(0, n) });
      t.fill(Number.NaN);
      v.fill(Number.NaN);
    }
  }
}
