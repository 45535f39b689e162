// The PromQL reads keep which metrics a tenant holds between requests; a metric write must
// show in the very next read, of every kind of request (names, metadata, series).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { Store } from '../../src/index';
import { gaugePoint, histogramPoint, storeOptions, tempDir } from '../fixtures';

const emptyMetrics = { gauge: [], sum: [], histogram: [], expHistogram: [], summary: [] };
const nowNs = (offsetMs = 0) => String(BigInt(Date.now() + offsetMs) * 1_000_000n);
/** A read of the default tenant's last ten minutes (and the next one). */
const lastTenMinutes = (now: number) => ({
  tenant: 'default',
  matchers: [],
  startMs: now - 600_000,
  endMs: now + 60_000,
  nowMs: now,
  maxSeries: 100,
  maxSamples: 10_000,
  timeoutMs: 10_000,
});

/** A new store and its PromQL reader, closed and removed after `run`. */
async function withProm(run: (store: Store, prom: ReturnType<Store['prometheus']>) => Promise<void>): Promise<void> {
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await Store.open(storeOptions(dir));
  try {
    await run(store, store.prometheus({ derivedBoundsSeconds: [0.1, 1], derivedStaleMs: 60_000 }));
  } finally {
    await store.close();
  }
}

test('a metric written after a read is seen by the next read; each series and bucket reads back its own points', async () => {
  await withProm(async (store, prom) => {
    const now = Date.now();
    const range = (name: string) => ({ ...lastTenMinutes(now), accept: (n: string) => n === name });
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

    // Bucket series read from one array per row; a matcher that keeps some buckets skips the others.
    await store.writeMetrics({
      ...emptyMetrics,
      histogram: [
        histogramPoint({ TimeUnix: nowNs(-1_000), BucketCounts: ['1', '2', '0'], Count: '3' }),
        histogramPoint({ TimeUnix: nowNs(), BucketCounts: ['2', '4', '1'], Count: '7' }),
      ],
    });
    const b = range('http_server_request_duration_seconds_bucket');
    const all = await prom.select(b, b.accept);
    assert.deepEqual(Object.fromEntries(all.map((s) => [s.labels.le, [...s.v]])), {
      '0.005': [1, 2],
      '0.01': [3, 6],
      '+Inf': [3, 7],
    });
    const one = await prom.select({ ...b, matchers: [{ name: 'le', type: '=', value: '0.01' }] }, b.accept);
    assert.deepEqual(
      one.map((s) => [s.labels.le, [...s.v]]),
      [['0.01', [3, 6]]],
    );
  });
});

test('points written out of time order, over several inserts, read back in time order', async () => {
  await withProm(async (store, prom) => {
    const now = Date.now();
    // Five inserts (parts), newest first, each with its points shuffled: value = seconds before now.
    const ages = [4, 2, 3, 0, 1];
    for (let insert = 0; insert < 5; insert++)
      await store.writeMetrics({
        ...emptyMetrics,
        gauge: ages.map((a) => {
          const age = insert * 5 + a;
          return gaugePoint({ Attributes: { queue: 'a' }, Value: age, IntValue: null, TimeUnix: nowNs(-age * 1000) });
        }),
      });
    const [series] = await prom.select(lastTenMinutes(now), (n) => n === 'queue_depth');
    const expected = Array.from({ length: 25 }, (_, i) => 24 - i);
    assert.deepEqual([...series!.v], expected);
    assert.ok(
      series!.t.every((t, i) => i === 0 || t > series!.t[i - 1]!),
      'times ascend',
    );
  });
});
