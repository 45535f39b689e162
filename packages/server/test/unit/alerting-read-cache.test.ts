import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine, MemorySource, type SelectRequest } from '@tracehouse/promql';
import { EvaluationReadCache } from '../../src/alerting/readCache';

test('rules of one evaluation share reads: a narrower window is cut from a wider read, with the same results', async () => {
  const source = new MemorySource();
  const samples = (slope: number) => Array.from({ length: 400 }, (_, i) => [i * 15_000, i * slope] as const);
  source.add({ __name__: 'calls_total', service: 'a', status_code: 'STATUS_CODE_ERROR' }, samples(1));
  source.add({ __name__: 'calls_total', service: 'a', status_code: 'STATUS_CODE_UNSET' }, samples(3));
  source.add({ __name__: 'calls_total', service: 'b', status_code: 'STATUS_CODE_UNSET' }, samples(7));
  const reads: SelectRequest[] = [];
  const counting = { select: (req: SelectRequest) => (reads.push(req), source.select(req)) };
  const cache = new EvaluationReadCache(counting);
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
  // One read for calls_total (1h, then cut to 5m, 30m and 10m, with or without errors) and one for service="b".
  assert.equal(reads.length, 2);
  // A wider window than the one read goes to the source again.
  await new Engine({ source: cache }).instantQuery('sum(rate(calls_total[2h]))', at);
  assert.equal(reads.length, 3);
});

test("prefetching a group's expressions reads each selector once, over the widest window, with the same results", async () => {
  const source = new MemorySource();
  const samples = (slope: number) => Array.from({ length: 400 }, (_, i) => [i * 15_000, i * slope] as const);
  source.add({ __name__: 'calls_total', service: 'a', status_code: 'STATUS_CODE_ERROR' }, samples(1));
  source.add({ __name__: 'calls_total', service: 'a', status_code: 'STATUS_CODE_UNSET' }, samples(3));
  source.add({ __name__: 'latency_bucket', service: 'a', le: '+Inf' }, samples(2));
  const reads: SelectRequest[] = [];
  const counting = {
    select: (req: SelectRequest) => {
      reads.push(req);
      return source.select(req);
    },
  };
  const cache = new EvaluationReadCache(counting);
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
  const cache = new EvaluationReadCache(source, recorded);
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
