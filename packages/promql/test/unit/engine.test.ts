// The engine's semantics on small series whose answers are worked out by hand.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Engine, MemorySource, PromQLError } from '../../src/index';
import { engineOver, every, flatten, instant } from '../fixtures';

const close = (a: number | undefined, b: number) => assert.ok(Math.abs((a ?? Number.NaN) - b) < 1e-9, `${a} != ${b}`);

/** Four gauges, job x: a=1, b=2; job y: c=3, d=4, one sample at 0 s. */
function four(): MemorySource {
  const src = new MemorySource();
  for (const [instance, job, v] of [
    ['a', 'x', 1],
    ['b', 'x', 2],
    ['c', 'y', 3],
    ['d', 'y', 4],
  ] as const)
    src.add({ __name__: 'g', job, instance }, [[0, v]]);
  return src;
}

async function refused(e: Engine, q: string, type: string, pattern: RegExp) {
  await assert.rejects(
    e.instantQuery(q, 0),
    (err: unknown) => err instanceof PromQLError && err.type === type && pattern.test(err.message),
  );
}

describe('selectors', () => {
  const src = new MemorySource().add({ __name__: 'g' }, [
    [0, 1],
    [600_000, 2],
  ]);
  const e = engineOver(src);

  test('an instant selector takes the latest sample within 5 m, the window open at its start', async () => {
    assert.deepEqual(await instant(e, 'g', 299), { 'g{}': 1 });
    assert.deepEqual(await instant(e, 'g', 300), {});
    assert.deepEqual(await instant(e, 'g', 700), { 'g{}': 2 });
  });

  test('offset and @ move the evaluation time', async () => {
    assert.deepEqual(await instant(e, 'g offset 10m', 1300), { 'g{}': 2 });
    assert.deepEqual(await instant(e, 'g offset 10m', 800), { 'g{}': 1 });
    assert.deepEqual(await instant(e, 'g @ 100', 5000), { 'g{}': 1 });
    assert.deepEqual(await instant(e, 'g @ 700 offset 100s', 0), { 'g{}': 2 });
  });

  test('matchers: = != =~ !~, regexes anchored, a missing label is empty', async () => {
    const e2 = engineOver(four());
    assert.deepEqual(Object.keys(await instant(e2, 'g{instance=~"a|c"}', 0)), [
      'g{instance="a",job="x"}',
      'g{instance="c",job="y"}',
    ]);
    assert.equal(Object.keys(await instant(e2, 'g{instance=~"a"}', 0)).length, 1);
    // Anchored: "b" does not match "ab" partially.
    assert.equal(Object.keys(await instant(e2, 'g{instance=~"."}', 0)).length, 4);
    assert.equal(Object.keys(await instant(e2, 'g{instance!~"a|b"}', 0)).length, 2);
    assert.equal(Object.keys(await instant(e2, 'g{zone=""}', 0)).length, 4);
    assert.equal(Object.keys(await instant(e2, '{__name__=~"g|h", job!="x"}', 0)).length, 2);
  });
});

describe('aggregations', () => {
  const e = engineOver(four());
  test('sum avg min max count group by / without', async () => {
    assert.deepEqual(await instant(e, 'sum by (job) (g)', 0), { '{job="x"}': 3, '{job="y"}': 7 });
    assert.deepEqual(await instant(e, 'avg without (instance) (g)', 0), { '{job="x"}': 1.5, '{job="y"}': 3.5 });
    assert.deepEqual(await instant(e, 'min(g)', 0), { '{}': 1 });
    assert.deepEqual(await instant(e, 'max by (job) (g)', 0), { '{job="x"}': 2, '{job="y"}': 4 });
    assert.deepEqual(await instant(e, 'count(g)', 0), { '{}': 4 });
    assert.deepEqual(await instant(e, 'group by (job) (g)', 0), { '{job="x"}': 1, '{job="y"}': 1 });
  });

  test('stddev, stdvar and quantile of 1, 2, 3, 4', async () => {
    // mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, / 4 = 1.25.
    close((await instant(e, 'stdvar(g)', 0))['{}'], 1.25);
    close((await instant(e, 'stddev(g)', 0))['{}'], Math.sqrt(1.25));
    // rank 0.5 x 3 = 1.5 -> between 2 and 3; 0.9 x 3 = 2.7 -> 3 + 0.7.
    close((await instant(e, 'quantile(0.5, g)', 0))['{}'], 2.5);
    close((await instant(e, 'quantile(0.9, g)', 0))['{}'], 3.7);
  });

  test('topk and bottomk keep whole series; count_values counts by value', async () => {
    assert.deepEqual(await instant(e, 'topk by (job) (1, g)', 0), {
      'g{instance="b",job="x"}': 2,
      'g{instance="d",job="y"}': 4,
    });
    assert.deepEqual(await instant(e, 'bottomk(1, g)', 0), { 'g{instance="a",job="x"}': 1 });
    assert.deepEqual(await instant(e, 'count_values("v", g > 2)', 0), { '{v="3"}': 1, '{v="4"}': 1 });
    assert.deepEqual(await instant(e, 'count_values by (job) ("v", g)', 0), {
      '{job="x",v="1"}': 1,
      '{job="x",v="2"}': 1,
      '{job="y",v="3"}': 1,
      '{job="y",v="4"}': 1,
    });
  });
});

describe('binary operators', () => {
  const src = four()
    .add({ __name__: 'limit', job: 'x' }, [[0, 10]])
    .add({ __name__: 'limit', job: 'y' }, [[0, 100]]);
  const e = engineOver(src);

  test('arithmetic with a scalar drops the name; comparison filters and keeps it', async () => {
    assert.deepEqual(await instant(e, 'g{instance="a"} * 3', 0), { '{instance="a",job="x"}': 3 });
    assert.deepEqual(await instant(e, 'g > 2', 0), { 'g{instance="c",job="y"}': 3, 'g{instance="d",job="y"}': 4 });
    assert.deepEqual(await instant(e, '2 < g', 0), { 'g{instance="c",job="y"}': 3, 'g{instance="d",job="y"}': 4 });
    assert.deepEqual(await instant(e, 'g{job="x"} > bool 1', 0), {
      '{instance="a",job="x"}': 0,
      '{instance="b",job="x"}': 1,
    });
    assert.deepEqual(await instant(e, '2 ^ 3 ^ 2', 0), { scalar: 512 });
    assert.deepEqual(await instant(e, '7 % 3 + 1 >= bool 2', 0), { scalar: 1 });
  });

  test('many-to-one with group_left copies labels from the one side', async () => {
    assert.deepEqual(await instant(e, 'g / on(job) group_left limit', 0), {
      '{instance="a",job="x"}': 0.1,
      '{instance="b",job="x"}': 0.2,
      '{instance="c",job="y"}': 0.03,
      '{instance="d",job="y"}': 0.04,
    });
    assert.deepEqual(await instant(e, 'limit * on(job) group_right g{instance=~"a|c"}', 0), {
      '{instance="a",job="x"}': 10,
      '{instance="c",job="y"}': 300,
    });
  });

  test('one-to-one matching; ambiguity is an error, never a guess', async () => {
    assert.deepEqual(await instant(e, 'sum by (job) (g) + on(job) limit', 0), { '{job="x"}': 13, '{job="y"}': 107 });
    await refused(e, 'g + on(job) limit', 'execution', /many-to-one matching must be explicit/);
    await refused(e, 'limit + on(job) group_left g', 'execution', /duplicate series for the match group/);
  });

  test('and, or, unless', async () => {
    assert.deepEqual(Object.keys(await instant(e, 'g and on(instance) g{job="x"}', 0)).length, 2);
    assert.deepEqual(Object.keys(await instant(e, 'g unless on(job) limit{job="y"}', 0)), [
      'g{instance="a",job="x"}',
      'g{instance="b",job="x"}',
    ]);
    assert.equal(Object.keys(await instant(e, 'g{job="x"} or limit', 0)).length, 4);
  });
});

describe('functions', () => {
  test('histogram_quantile interpolates inside the bucket of the rank', async () => {
    const src = new MemorySource();
    for (const [le, v] of [
      ['1', 10],
      ['2', 30],
      ['4', 40],
      ['+Inf', 40],
    ] as const)
      src.add({ __name__: 'h_bucket', le, job: 'x' }, [[0, v]]);
    const e = engineOver(src);
    // rank 20 falls in (1, 2], which holds 20: 1 + 1 x (20 - 10)/20.
    close((await instant(e, 'histogram_quantile(0.5, h_bucket)', 0))['{job="x"}'], 1.5);
    // rank 39.6 in (2, 4]: 2 + 2 x 9.6/10.
    close((await instant(e, 'histogram_quantile(0.99, h_bucket)', 0))['{job="x"}'], 3.92);
    assert.equal((await instant(e, 'histogram_quantile(1.5, h_bucket)', 0))['{job="x"}'], Number.POSITIVE_INFINITY);
  });

  test('histogram_quantile: the +Inf bucket answers the highest finite bound; no +Inf bucket is NaN', async () => {
    const src = new MemorySource();
    for (const [le, v] of [
      ['1', 10],
      ['4', 40],
      ['+Inf', 50],
    ] as const)
      src.add({ __name__: 'h_bucket', le }, [[0, v]]);
    src.add({ __name__: 'h_bucket', le: '1', job: 'noinf' }, [[0, 5]]);
    const r = await instant(engineOver(src), 'histogram_quantile(0.99, h_bucket)', 0);
    assert.equal(r['{}'], 4);
    assert.ok(Number.isNaN(r['{job="noinf"}']!));
  });

  test('*_over_time, subqueries and changes', async () => {
    const src = new MemorySource().add({ __name__: 'g' }, every(15, [1, 5, 2, 8, 8]));
    const e = engineOver(src);
    // (0, 60]: 5, 2, 8, 8.
    assert.deepEqual(await instant(e, 'max_over_time(g[1m])', 60), { '{}': 8 });
    assert.deepEqual(await instant(e, 'min_over_time(g[1m])', 60), { '{}': 2 });
    assert.deepEqual(await instant(e, 'sum_over_time(g[1m])', 60), { '{}': 23 });
    assert.deepEqual(await instant(e, 'avg_over_time(g[1m])', 60), { '{}': 5.75 });
    assert.deepEqual(await instant(e, 'count_over_time(g[1m])', 60), { '{}': 4 });
    assert.deepEqual(await instant(e, 'changes(g[1m])', 60), { '{}': 2 });
    close((await instant(e, 'quantile_over_time(0.5, g[1m])', 60))['{}'], 6.5);
    // Subquery at 30 s steps over (0, 60]: g at 30 s = 2, at 60 s = 8.
    assert.deepEqual(await instant(e, 'sum_over_time(g[1m:30s])', 60), { '{}': 10 });
    assert.deepEqual(await instant(e, 'max_over_time((g * 2)[1m:15s])', 60), { '{}': 16 });
  });

  test('label_replace, label_join, absent, vector, scalar, clamp, round, timestamp', async () => {
    const src = new MemorySource().add({ __name__: 'g', svc: 'api-7', zone: 'eu' }, [[10_000, 2.5]]);
    const e = engineOver(src);
    assert.deepEqual(await instant(e, 'label_replace(g, "name", "$1", "svc", "(.*)-\\\\d+")', 20), {
      'g{name="api",svc="api-7",zone="eu"}': 2.5,
    });
    // No match leaves the series as it is.
    assert.deepEqual(Object.keys(await instant(e, 'label_replace(g, "name", "$1", "svc", "x(.*)")', 20)), [
      'g{svc="api-7",zone="eu"}',
    ]);
    assert.deepEqual(Object.keys(await instant(e, 'label_join(g, "both", "/", "zone", "svc")', 20)), [
      'g{both="eu/api-7",svc="api-7",zone="eu"}',
    ]);
    assert.deepEqual(await instant(e, 'absent(nothing{job="a", x=~"y"})', 20), { '{job="a"}': 1 });
    assert.deepEqual(await instant(e, 'absent(g)', 20), {});
    assert.deepEqual(await instant(e, 'absent_over_time(nothing{job="a"}[1m])', 20), { '{job="a"}': 1 });
    assert.deepEqual(await instant(e, 'vector(3)', 20), { '{}': 3 });
    assert.deepEqual(await instant(e, 'scalar(g) * 2', 20), { scalar: 5 });
    assert.deepEqual(await instant(e, 'scalar(nothing)', 20), { scalar: Number.NaN });
    assert.deepEqual(await instant(e, 'clamp(g, 0, 1)', 20), { '{svc="api-7",zone="eu"}': 1 });
    assert.deepEqual(await instant(e, 'clamp_min(g, 3)', 20), { '{svc="api-7",zone="eu"}': 3 });
    assert.deepEqual(await instant(e, 'round(g)', 20), { '{svc="api-7",zone="eu"}': 3 });
    assert.deepEqual(await instant(e, 'round(g, 2)', 20), { '{svc="api-7",zone="eu"}': 2 });
    assert.deepEqual(await instant(e, 'timestamp(g)', 20), { '{svc="api-7",zone="eu"}': 10 });
    assert.deepEqual(await instant(e, 'time()', 20), { scalar: 20 });
    assert.deepEqual(await instant(e, 'abs(-g)', 20), { '{svc="api-7",zone="eu"}': 2.5 });
  });

  test('names dropped to the same labels are an error', async () => {
    const src = new MemorySource().add({ __name__: 'a' }, [[0, 1]]).add({ __name__: 'b' }, [[0, 1]]);
    await refused(engineOver(src), 'abs({__name__=~"a|b"})', 'execution', /same labelset/);
  });
});

describe('range queries and limits', () => {
  test('a range query evaluates at every step', async () => {
    const src = new MemorySource().add({ __name__: 'c' }, every(15, [0, 15, 30, 45, 60, 75, 90, 105, 120]));
    const r = await engineOver(src).rangeQuery('rate(c[30s])', 30_000, 120_000, 30_000);
    assert.equal(r.resultType, 'matrix');
    if (r.resultType !== 'matrix') return;
    assert.deepEqual(r.result[0]!.t, [30_000, 60_000, 90_000, 120_000]);
    for (const v of r.result[0]!.v) close(v, 1);
    const s = await engineOver(src).rangeQuery('time() * 2', 0, 60_000, 30_000);
    assert.deepEqual(flatten({ resultType: 'vector', result: [] }), {});
    assert.ok(s.resultType === 'matrix' && s.result[0]!.v.join() === '0,60,120');
  });

  test('a range query refuses too many points and strings', async () => {
    const e = engineOver(new MemorySource());
    await assert.rejects(e.rangeQuery('vector(1)', 0, 12_000_000, 1000), /maximum resolution of 11,000 points/);
    await assert.rejects(e.rangeQuery('"s"', 0, 1000, 1000), /invalid expression type "string"/);
  });

  test('the sample limit and the deadline stop a query with their errors', async () => {
    const src = new MemorySource().add(
      { __name__: 'c' },
      every(
        1,
        Array.from({ length: 100 }, (_, i) => i),
      ),
    );
    await assert.rejects(
      engineOver(src, { maxSamples: 50 }).instantQuery('c', 100_000),
      (err: unknown) => err instanceof PromQLError && err.type === 'execution' && /too many samples/.test(err.message),
    );
    let now = 0;
    const slow = new Engine({ source: src, timeoutMs: 1000, now: () => (now += 600) });
    await assert.rejects(
      slow.rangeQuery('c', 0, 100_000, 1000),
      (err: unknown) => err instanceof PromQLError && err.type === 'timeout',
    );
  });
});
