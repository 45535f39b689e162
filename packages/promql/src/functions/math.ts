/**
 * Prometheus's numerics, kept to the same operations in the same order so that results agree
 * to the last bit where Prometheus's do (Kahan summation, incremental mean, regression).
 */

/** Kahan-Babuska summation step: returns [sum, compensation]. */
export function kahanSumInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (!Number.isFinite(t) && !Number.isNaN(t)) c = 0;
  else if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  return [t, c];
}

/** Mean as Prometheus's avg and avg_over_time take it: a Kahan sum, incremental past overflow. */
export class Mean {
  private count = 0;
  private sum = 0;
  private c = 0;
  private mean = 0;
  private incremental = false;

  add(f: number): void {
    this.count++;
    if (this.count === 1) {
      this.sum = f;
      this.c = 0;
      return;
    }
    if (!this.incremental) {
      const [s, c] = kahanSumInc(f, this.sum, this.c);
      if (Number.isFinite(s) || Number.isNaN(s)) {
        this.sum = s;
        this.c = c;
        return;
      }
      this.incremental = true;
      this.mean = this.sum / (this.count - 1);
      this.c /= this.count - 1;
    }
    if (isInf(this.mean)) {
      if (isInf(f) && this.mean > 0 === f > 0) return;
      if (!isInf(f) && !Number.isNaN(f)) return;
    }
    const current = this.mean + this.c;
    [this.mean, this.c] = kahanSumInc(f / this.count - current / this.count, this.mean, this.c);
  }

  value(): number {
    return this.incremental ? this.mean + this.c : this.sum / this.count + this.c / this.count;
  }
}

export const isInf = (f: number): boolean => f === Number.POSITIVE_INFINITY || f === Number.NEGATIVE_INFINITY;

/** Prometheus's float ordering for sort/quantile: NaN before everything. */
export const byValue = (a: number, b: number): number =>
  Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b;

/** The q-quantile of values, interpolated linearly between ranks (Prometheus's `quantile`). */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const sorted = [...values].sort(byValue);
  const n = sorted.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}

/** Least-squares slope and intercept at `interceptMs` (Prometheus's linearRegression). */
export function linearRegression(t: Float64Array, v: Float64Array, interceptMs: number): [number, number] {
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = v[0]!;
  let constY = true;
  for (let i = 0; i < v.length; i++) {
    const f = v[i]!;
    if (constY && i > 0 && f !== initY) constY = false;
    n += 1;
    const x = (t[i]! - interceptMs) / 1e3;
    [sumX, cX] = kahanSumInc(x, sumX, cX);
    [sumY, cY] = kahanSumInc(f, sumY, cY);
    [sumXY, cXY] = kahanSumInc(x * f, sumXY, cXY);
    [sumX2, cX2] = kahanSumInc(x * x, sumX2, cX2);
  }
  if (constY) return isInf(initY) ? [Number.NaN, Number.NaN] : [0, initY];
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return [slope, sumY / n - (slope * sumX) / n];
}

export interface Bucket {
  upperBound: number;
  count: number;
}

const SMALL_DELTA_TOLERANCE = 1e-12;
const MIN_NORMAL = 2.2250738585072014e-308;

function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/**
 * The q-quantile of a classic histogram's cumulative buckets (Prometheus's bucketQuantile):
 * linear interpolation inside the bucket that holds the rank; the highest finite bound when
 * the rank falls into +Inf; NaN without a +Inf bucket or observations.
 */
export function bucketQuantile(q: number, input: Bucket[]): number {
  const sorted = [...input].sort((a, b) => a.upperBound - b.upperBound);
  const bounds = new Float64Array(sorted.length);
  const counts = new Float64Array(sorted.length);
  sorted.forEach((b, i) => {
    bounds[i] = b.upperBound;
    counts[i] = b.count;
  });
  return sortedBucketQuantile(q, bounds, counts, sorted.length);
}

/**
 * bucketQuantile of the first `n` buckets of `bounds` and `counts`, already in ascending order
 * of bound (a stable sort: equal bounds in their input order). Both arrays are worked in place.
 */
export function sortedBucketQuantile(q: number, bounds: Float64Array, counts: Float64Array, n: number): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  if (n === 0 || bounds[n - 1] !== Number.POSITIVE_INFINITY) return Number.NaN;
  // Coalesce buckets with the same bound (e.g. le="1" and le="1.0").
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (m > 0 && bounds[m - 1] === bounds[i]) counts[m - 1]! += counts[i]!;
    else {
      bounds[m] = bounds[i]!;
      counts[m++] = counts[i]!;
    }
  }
  // Monotonic counts, small float deltas ignored.
  let prev = counts[0]!;
  for (let i = 1; i < m; i++) {
    const curr = counts[i]!;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE) || curr < prev) {
      counts[i] = prev;
      continue;
    }
    prev = curr;
  }
  if (m < 2) return Number.NaN;
  const observations = counts[m - 1]!;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
  let b = 0;
  while (b < m - 1 && !(counts[b]! >= rank)) b++;
  if (b === m - 1) return bounds[m - 2]!;
  if (b === 0 && bounds[0]! <= 0) return bounds[0]!;
  let bucketStart = 0;
  const bucketEnd = bounds[b]!;
  let count = counts[b]!;
  if (b > 0) {
    bucketStart = bounds[b - 1]!;
    count -= counts[b - 1]!;
    rank -= counts[b - 1]!;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}
