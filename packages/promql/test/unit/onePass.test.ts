// sum(rate()) shapes evaluated in one pass over each series (stepRate.ts) give exactly what
// step-by-step evaluation gives, on random counters with resets, gaps, jittered scrapes and
// series that start and stop inside the range.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine, MemorySource } from '../../src/index';

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BUCKETS: [string, number][] = [
  ['0.1', 0.5],
  ['+Inf', 1],
  ['1', 0.8],
  ['0.05', 0.3],
  ['1.0', 0.1],
  ['x', 0.7],
  ['0.5', 0.45],
];

/** 24 counters (3 jobs x 2 methods, one instance each) and their buckets, over 30 min. */
function counters(seed: number): MemorySource {
  const rnd = random(seed);
  const src = new MemorySource();
  for (let s = 0; s < 24; s++) {
    const samples: [number, number][] = [];
    const from = rnd() < 0.3 ? Math.floor(rnd() * 900_000) : 0;
    const to = rnd() < 0.3 ? 900_000 + Math.floor(rnd() * 900_000) : 1_800_000;
    let v = Math.floor(rnd() * 100);
    for (let t = from; t < to; t += 10_000 + Math.floor(rnd() * 10_000)) {
      if (rnd() < 0.05) continue; // a missed scrape
      v = rnd() < 0.03 ? Math.floor(rnd() * 5) : v + rnd() * 20; // sometimes a reset
      samples.push([t, v]);
    }
    const labels = { job: `j${s % 3}`, method: s % 2 ? 'GET' : 'POST', instance: `i${s}` };
    src.add({ __name__: 'requests_total', ...labels }, samples);
    // Buckets out of order, one bound written twice ("1" and "1.0", the second only for the
    // first 20 minutes), counts that are not monotonic across bounds, and an `le` that is no number.
    for (const [le, share] of BUCKETS)
      src.add(
        { __name__: 'latency_bucket', ...labels, le },
        samples.filter(([t]) => le !== '1.0' || t < 1_200_000).map(([t, x]) => [t, x * share]),
      );
  }
  return src;
}

const QUERIES = [
  'rate(requests_total[1m])',
  'increase(requests_total{job="j1"}[45s] offset 30s)',
  'histogram_quantile(0.5, rate(latency_bucket[2m]))',
  'sum(rate(requests_total[1m]))',
  'sum by (job) (rate(requests_total[5m]))',
  'sum without (instance) (increase(requests_total[90s]))',
  'sum by (job) (rate(requests_total[2m] offset 1m))',
  'sum by (__name__, job) (rate(requests_total{method="GET"}[1m]))',
  'histogram_quantile(0.9, sum by (le, job) (rate(latency_bucket[3m])))',
  'histogram_quantile(0.5, sum by (le) (increase(latency_bucket{method="GET"}[1m])))',
  'histogram_quantile(1.5, sum without (instance) (rate(latency_bucket[2m])))',
  'histogram_quantile(scalar(sum(rate(requests_total[1m]))) / 1000, sum by (le, method) (rate(latency_bucket[2m])))',
  'sum(histogram_quantile(0.99, sum by (le, job) (rate(latency_bucket[1m]))))',
  // Inside other expressions: each rate() shape is computed once for every step.
  'sum by (job) (rate(requests_total{method="GET"}[1m])) / sum by (job) (rate(requests_total[1m]))',
  'max_over_time(sum(rate(requests_total[1m]))[5m:30s])',
  'avg by (job) (rate(requests_total[2m])) > 0.5',
];

test('one pass equals step by step, to the last bit, for range and instant queries', async () => {
  for (const seed of [1, 2, 3]) {
    const source = counters(seed);
    const onePass = new Engine({ source });
    const stepByStep = new Engine({ source, onePass: false });
    for (const q of QUERIES)
      for (const [start, end, step] of [
        [0, 1_800_000, 15_000],
        [300_000, 1_500_000, 60_000],
        [7_000, 1_207_000, 20_000],
      ] as const) {
        const a = await onePass.rangeQuery(q, start, end, step);
        const b = await stepByStep.rangeQuery(q, start, end, step);
        assert.ok(a.resultType === 'matrix' && a.result.length > 0, `${q}: no result`);
        assert.deepEqual(a, b, `${q} seed ${seed} [${start}, ${end}] / ${step}`);
        assert.deepEqual(await onePass.instantQuery(q, end), await stepByStep.instantQuery(q, end), `${q} @ ${end}`);
      }
  }
});

test('the one-pass result is exact on a counter worked out by hand', async () => {
  // 0, 10, 20, reset to 5, 15 every 15 s: the increase over 60 s is 10 + 10 + 5 + 10 = 35,
  // over exactly the sampled interval, so no extrapolation: 35 / 60 per second.
  const source = new MemorySource().add({ __name__: 'c_total', job: 'a' }, [
    [0, 0],
    [15_000, 10],
    [30_000, 20],
    [45_000, 5],
    [60_000, 15],
  ]);
  const r = await new Engine({ source }).rangeQuery('sum by (job) (increase(c_total[61s]))', 60_000, 60_000, 15_000);
  assert.ok(r.resultType === 'matrix');
  assert.deepEqual(r.result[0]!.metric, { job: 'a' });
  // Extrapolated to the window start (1 s before the first sample, < 1.1 x the 15 s gap), but
  // a counter at 0 there cannot be extrapolated past zero: 35 exactly.
  assert.equal(r.result[0]!.v[0], 35);
});
