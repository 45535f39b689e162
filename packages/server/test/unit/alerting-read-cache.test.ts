import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine, MemorySource, type SelectRequest, type SeriesSource } from '@tracehouse/promql';
import { EvaluationReadCache, InstantReads } from '../../src/alerting/readCache';

/** The source, with every read it is asked for appended to `reads`. */
const recording = (source: SeriesSource, reads: SelectRequest[]): SeriesSource => ({
  select: (req) => {
    reads.push(req);
    return source.select(req);
  },
});

test('rules of one instant share reads: a narrower window or other labels are cut from a wider read, with the same results', async () => {
  const source = new MemorySource();
  const samples = (slope: number) => Array.from({ length: 400 }, (_, i) => [i * 15_000, i * slope] as const);
  source.add({ __name__: 'calls_total', service: 'a', status_code: 'STATUS_CODE_ERROR' }, samples(1));
  source.add({ __name__: 'calls_total', service: 'a', status_code: 'STATUS_CODE_UNSET' }, samples(3));
  source.add({ __name__: 'calls_total', service: 'b', status_code: 'STATUS_CODE_UNSET' }, samples(7));
  const reads: SelectRequest[] = [];
  const counting = recording(source, reads);
  const cache = new EvaluationReadCache(new InstantReads(counting));
  const at = 399 * 15_000;
  const queries = [
    'sum(rate(calls_total[1h]))',
    'rate(calls_total{service="b"}[5m])',
    'sum(rate(calls_total[5m]))',
    'sum(rate(calls_total[30m]))',
  ];
  for (const q of queries) {
    const cached = await new Engine({ source: cache }).instantQuery(q, at);
    const direct = await new Engine({ source }).instantQuery(q, at);
    assert.deepEqual(cached, direct, q);
  }
  // One read of calls_total over 1h, cut to 5m and 30m and to service="b".
  assert.deepEqual(
    reads.map((r) => r.matchers.map((m) => `${m.name}${m.type}${m.value}`)),
    [['__name__=calls_total']],
  );
  // A wider window than the one read goes to the source again.
  await new Engine({ source: cache }).instantQuery('sum(rate(calls_total[2h]))', at);
  assert.equal(reads.length, 2);
});

test("prefetching a group's expressions reads each selector once, over the widest window, with the same results", async () => {
  const source = new MemorySource();
  const samples = (slope: number) => Array.from({ length: 400 }, (_, i) => [i * 15_000, i * slope] as const);
  source.add({ __name__: 'calls_total', service: 'a', status_code: 'STATUS_CODE_ERROR' }, samples(1));
  source.add({ __name__: 'calls_total', service: 'a', status_code: 'STATUS_CODE_UNSET' }, samples(3));
  source.add({ __name__: 'latency_bucket', service: 'a', le: '+Inf' }, samples(2));
  const reads: SelectRequest[] = [];
  const counting = recording(source, reads);
  const cache = new EvaluationReadCache(new InstantReads(counting));
  const at = 399 * 15_000;
  // Narrowest first: without prefetching, the 1h rule would read calls_total a second time.
  const queries = [
    'sum(rate(calls_total{status_code="STATUS_CODE_ERROR"}[5m])) / sum(rate(calls_total[5m]))',
    'sum(rate(calls_total[1h]))',
    'histogram_quantile(0.99, sum by (le) (rate(latency_bucket[30m])))',
  ];
  await cache.prefetch(queries.flatMap((q) => new Engine({ source: cache }).selectRequests(q, at)));
  assert.deepEqual(
    reads.map((r) => [r.matchers.map((m) => m.value).join(','), (at - r.startMs) / 60_000]),
    [
      ['calls_total', 60],
      ['latency_bucket', 30],
    ],
  );
  for (const q of queries)
    assert.deepEqual(
      await new Engine({ source: cache }).instantQuery(q, at),
      await new Engine({ source }).instantQuery(q, at),
      q,
    );
  assert.equal(reads.length, 2, 'the rules read nothing more');
});

test("a group's recorded samples are visible to its later rules before they are stored", async () => {
  const source = new MemorySource();
  source.add({ __name__: 'slo:ratio', slo: 'a' }, [[60_000, 0.5]]);
  const recorded = [{ metric: 'slo:ratio', labels: { slo: 'a' }, value: 0.9, timeMs: 120_000 }];
  const cache = new EvaluationReadCache(new InstantReads(source), recorded);
  const engine = new Engine({ source: cache });
  const now = await engine.instantQuery('slo:ratio{slo="a"} > 0.8', 120_000);
  assert.deepEqual(now.resultType === 'vector' && now.result.map((s) => s.v), [0.9]);
  const range = await engine.instantQuery('max_over_time(slo:ratio[5m]) - min_over_time(slo:ratio[5m])', 120_000);
  assert.ok(
    range.resultType === 'vector' && Math.abs(range.result[0]!.v - 0.4) < 1e-9,
    'stored and recorded samples together',
  );
  recorded.push({ metric: 'slo:ratio', labels: { slo: 'b' }, value: 1, timeMs: 120_000 });
  const both = await engine.instantQuery('count(slo:ratio)', 120_000);
  assert.deepEqual(both.resultType === 'vector' && both.result.map((s) => s.v), [2]);
});

test('groups evaluated at one instant share one read per metric; their recorded samples stay their own', async () => {
  const source = new MemorySource();
  const samples = (slope: number) => Array.from({ length: 100 }, (_, i) => [i * 15_000, i * slope] as const);
  for (const service of ['a', 'b', 'c'])
    for (const op of ['GET', 'POST']) source.add({ __name__: 'calls_total', service, span_name: op }, samples(2));
  const reads: SelectRequest[] = [];
  const counting = recording(source, reads);
  const instant = new InstantReads(counting);
  const at = 99 * 15_000;
  const groups = ['a', 'b', 'c'].map((service) => ({
    cache: new EvaluationReadCache(instant, [{ metric: `${service}:rate`, labels: {}, value: 1, timeMs: at }]),
    queries: [
      `sum(rate(calls_total{service="${service}"}[5m]))`,
      `rate(calls_total{service="${service}",span_name="GET"}[1m])`,
    ],
    service,
  }));
  await Promise.all(
    groups.map((g) =>
      g.cache.prefetch(g.queries.flatMap((q) => new Engine({ source: g.cache }).selectRequests(q, at))),
    ),
  );
  for (const g of groups) {
    for (const q of g.queries)
      assert.deepEqual(
        await new Engine({ source: g.cache }).instantQuery(q, at),
        await new Engine({ source }).instantQuery(q, at),
        q,
      );
    const own = await new Engine({ source: g.cache }).instantQuery('count({__name__=~".:rate"})', at);
    assert.deepEqual(own.resultType === 'vector' && own.result.map((s) => s.v), [1], `${g.service} sees only its own`);
  }
  assert.equal(reads.filter((r) => r.matchers.some((m) => m.value === 'calls_total')).length, 1);
});

test('a metric too big to read whole is read per selector, once', async () => {
  const source = new MemorySource();
  source.add({ __name__: 'calls_total', service: 'a' }, [
    [0, 1],
    [15_000, 2],
  ]);
  const reads: string[] = [];
  const limited = {
    select: (req: SelectRequest) => {
      const wanted = req.matchers.map((m) => `${m.name}${m.type}${m.value}`).join(',');
      reads.push(wanted);
      if (wanted === '__name__=calls_total') return Promise.reject(new Error('query selects more than 10 series'));
      return source.select(req);
    },
  };
  const cache = new EvaluationReadCache(new InstantReads(limited));
  for (let i = 0; i < 2; i++) {
    const r = await new Engine({ source: cache }).instantQuery('calls_total{service="a"}', 15_000);
    assert.deepEqual(r.resultType === 'vector' && r.result.map((s) => s.v), [2]);
  }
  assert.deepEqual(reads, ['__name__=calls_total', '__name__=calls_total,service=a']);
});
