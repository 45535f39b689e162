import { bucketOf } from './functions/instant';
import { sortedBucketQuantile } from './functions/math';
import type { Labels } from './labels';
import type { SteppedGroup } from './stepRate';
import type { Sample } from './value';

/** One histogram among the groups: its labels (without `le`), its buckets' groups and bounds. */
interface Histogram {
  labels: Labels;
  /** Indexes of its groups, in ascending order of bound (a stable sort: equal bounds in group order). */
  members: Int32Array;
  bounds: Float64Array;
}

/**
 * `histogram_quantile(q, <a sum of rates by le, ...>)` at each step, over the groups that sum
 * computed for every step at once (stepRate.ts): the buckets grouped into histograms and put
 * in order of bound once, not at every step, and no sample per bucket and step. A 1 h
 * dashboard of 100-bucket histograms built ~120k samples and as many buckets a query for it.
 * Each step's value is what histogramQuantile gives the step's vector: the same buckets (the
 * groups with a value at the step) in the same order, the same arithmetic (sortedBucketQuantile),
 * the histograms in the order their first bucket comes in the vector.
 */
export class SteppedHistograms {
  private readonly histograms: Histogram[] = [];
  /** Each group's histogram (-1: not a bucket). */
  private readonly histogramOf: Int32Array;
  /** One step's buckets, as sortedBucketQuantile works them (room for the largest histogram). */
  private readonly bounds: Float64Array;
  private readonly counts: Float64Array;
  /** The call in which each histogram was last met (calls counts at's calls). */
  private readonly seen: Int32Array;
  private calls = 0;

  constructor(private readonly groups: readonly SteppedGroup[]) {
    this.histogramOf = new Int32Array(groups.length).fill(-1);
    const byKey = new Map<string, { labels: Labels; members: number[]; bounds: number[]; index: number }>();
    groups.forEach((g, i) => {
      const b = bucketOf(g.labels);
      if (!b) return;
      let h = byKey.get(b.key);
      if (!h) {
        h = { labels: b.labels, members: [], bounds: [], index: byKey.size };
        byKey.set(b.key, h);
      }
      h.members.push(i);
      h.bounds.push(b.upperBound);
      this.histogramOf[i] = h.index;
    });
    let largest = 0;
    for (const h of byKey.values()) {
      // Array.prototype.sort is stable, as the step-by-step sort of a vector's buckets is.
      const order = h.members.map((_, j) => j).sort((a, b) => h.bounds[a]! - h.bounds[b]!);
      this.histograms.push({
        labels: h.labels,
        members: Int32Array.from(order, (j) => h.members[j]!),
        bounds: Float64Array.from(order, (j) => h.bounds[j]!),
      });
      largest = Math.max(largest, order.length);
    }
    this.bounds = new Float64Array(largest);
    this.counts = new Float64Array(largest);
    this.seen = new Int32Array(this.histograms.length);
  }

  /** The q-quantile of every histogram with a bucket at step k. */
  at(k: number, q: number): Sample[] {
    const { groups, histograms, histogramOf, seen, bounds, counts } = this;
    const call = ++this.calls;
    const out: Sample[] = [];
    for (let i = 0; i < groups.length; i++) {
      const h = histogramOf[i]!;
      if (h < 0 || seen[h] === call || !groups[i]!.has[k]) continue;
      seen[h] = call;
      const { labels, members, bounds: own } = histograms[h]!;
      let n = 0;
      for (let j = 0; j < members.length; j++) {
        const v = groups[members[j]!]!.value(k);
        if (v === undefined) continue;
        bounds[n] = own[j]!;
        counts[n++] = v;
      }
      out.push({ labels, v: sortedBucketQuantile(q, bounds, counts, n) });
    }
    return out;
  }
}
