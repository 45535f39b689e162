// The PromQL reads keep which metrics a tenant holds between requests; a metric write must
// show in the very next read, of every kind of request (names, metadata, series).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { Store } from '../../src/index';
import { gaugePoint, storeOptions, tempDir } from '../fixtures';

const emptyMetrics = { gauge: [], sum: [], histogram: [], expHistogram: [], summary: [] };
const nowNs = (offsetMs = 0) => String(BigInt(Date.now() + offsetMs) * 1_000_000n);

test('a metric written after a read is seen by the next read; each series reads back its own points', async () => {
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await Store.open(storeOptions(dir));
  try {
    const prom = store.prometheus({ derivedBoundsSeconds: [0.1, 1], derivedStaleMs: 60_000 });
    const now = Date.now();
    const range = (name: string) => ({
      tenant: 'default',
      matchers: [],
      startMs: now - 600_000,
      endMs: now + 60_000,
      nowMs: now,
      maxSeries: 100,
      maxSamples: 10_000,
      timeoutMs: 10_000,
      accept: (n: string) => n === name,
    });
    await store.writeMetrics({
      ...emptyMetrics,
      gauge: [
        gaugePoint({ Attributes: { queue: 'a' }, Value: 1, IntValue: null, TimeUnix: nowNs(-2_000) }),
        gaugePoint({ Attributes: { queue: 'b' }, Value: 2, IntValue: null, TimeUnix: nowNs(-1_000) }),
        gaugePoint({ Attributes: { queue: 'a' }, Value: 3, IntValue: null, TimeUnix: nowNs() }),
      ],
    });
    assert.deepEqual(await prom.metricNames('default', now - 600_000, now + 60_000), ['queue_depth']);

    await store.writeMetrics({
      ...emptyMetrics,
      gauge: [gaugePoint({ MetricName: 'pool.size', MetricUnit: '', Value: 7, IntValue: null, TimeUnix: nowNs() })],
    });
    assert.deepEqual(await prom.metricNames('default', now - 600_000, now + 60_000), ['pool_size', 'queue_depth']);
    const meta = await prom.metadata('default', now - 600_000, now + 60_000);
    assert.deepEqual(meta.map((m) => m.name).sort(), ['pool_size', 'queue_depth']);

    // A read of a narrower range is answered from the wider one: a family without points in it is left out.
    assert.deepEqual(await prom.metricNames('default', now + 30_000, now + 60_000), []);

    const q = range('queue_depth');
    const series = await prom.select(q, q.accept);
    const byQueue = Object.fromEntries(series.map((s) => [s.labels.queue, [...s.v]]));
    assert.deepEqual(byQueue, { a: [1, 3], b: [2] });
  } finally {
    await store.close();
  }
});
