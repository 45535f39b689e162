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
