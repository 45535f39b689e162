import type { Exemplar } from '../exposition/format';

/**
 * Tempo's default latency buckets: ExponentialBuckets(0.002, 2, 14), i.e. 0.002 s doubling to
 * 16.384 s, plus +Inf. Bounds are inclusive (`le`): a span of exactly 4 ms counts in le="0.004".
 * The nanosecond twins are exact integers, so the SQL and the JS place a span identically.
 */
export const LATENCY_BOUNDS_NS: readonly number[] = Array.from({ length: 14 }, (_, i) => 2_000_000 * 2 ** i);
export const LATENCY_BOUNDS_SECONDS: readonly number[] = LATENCY_BOUNDS_NS.map((ns) => ns / 1e9);
/** Bucket counts per series: one per bound plus the +Inf bucket. */
export const LATENCY_BUCKETS = LATENCY_BOUNDS_NS.length + 1;

/** A span whose end is before its start (clock skew) lasted 0 s, and still counts. */
export function clampDurationNs(durationNs: number): number {
  return Math.max(durationNs, 0);
}

/** Index of the (non-cumulative) bucket holding a duration; the last index is +Inf. */
export function bucketIndex(durationNs: number, boundsNs: readonly number[] = LATENCY_BOUNDS_NS): number {
  const d = clampDurationNs(durationNs);
  for (let i = 0; i < boundsNs.length; i++) if (d <= boundsNs[i]!) return i;
  return boundsNs.length;
}

/** A histogram delta: non-cumulative bucket counts (last = +Inf), count and sum in seconds. */
export interface Histogram {
  buckets: number[];
  count: number;
  sum: number;
}

export function emptyHistogram(size = LATENCY_BUCKETS): Histogram {
  return { buckets: new Array<number>(size).fill(0), count: 0, sum: 0 };
}

export function observe(h: Histogram, durationNs: number, boundsNs: readonly number[] = LATENCY_BOUNDS_NS): number {
  const i = bucketIndex(durationNs, boundsNs);
  h.buckets[i]! += 1;
  h.count += 1;
  h.sum += clampDurationNs(durationNs) / 1e9;
  return i;
}

export function addHistogram(into: Histogram, h: Histogram): void {
  for (let i = 0; i < h.buckets.length; i++) into.buckets[i] = (into.buckets[i] ?? 0) + h.buckets[i]!;
  into.count += h.count;
  into.sum += h.sum;
}

/** Cumulative counts as exposed by `_bucket{le}`; the last equals `_count`. */
export function cumulative(buckets: readonly number[]): number[] {
  let acc = 0;
  return buckets.map((b) => (acc += b));
}

/**
 * The q-quantile (0..1) of a bucketed distribution, interpolated linearly inside the bucket
 * as Prometheus' histogram_quantile does; a rank in +Inf answers the highest finite bound.
 * Null when the histogram is empty.
 */
export function quantile(
  q: number,
  buckets: readonly number[],
  boundsSeconds: readonly number[] = LATENCY_BOUNDS_SECONDS,
): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < buckets.length; i++) {
    const inBucket = buckets[i]!;
    if (below + inBucket >= rank && inBucket > 0) {
      if (i >= boundsSeconds.length) return boundsSeconds[boundsSeconds.length - 1]!;
      const lower = i === 0 ? 0 : boundsSeconds[i - 1]!;
      const upper = boundsSeconds[i]!;
      return lower + (upper - lower) * ((rank - below) / inBucket);
    }
    below += inBucket;
  }
  return boundsSeconds[boundsSeconds.length - 1]!;
}

/** One exemplar slot per latency bucket, filled from stored exemplars that name their bucket. */
export function exemplarsByBucket(
  exemplars: readonly (Exemplar & { bucket: number })[],
  size = LATENCY_BUCKETS,
): (Exemplar | undefined)[] {
  const slots = new Array<Exemplar | undefined>(size).fill(undefined);
  for (const e of exemplars) slots[e.bucket] = e;
  return slots;
}
