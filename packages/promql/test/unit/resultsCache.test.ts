// Range results kept between queries: a refreshed range answers what a fresh evaluation would,
// evaluating only the steps it has not kept, and nothing that can still change is kept.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Engine, MemorySource, type QueryResult, ResultsCache, type SeriesSource } from '../../src/index';

const MIN = 60_000;

/** Counters of two jobs at 15 s for 2 h (job b resets at 50 min). */
function counters(bump = 0): MemorySource {
  const src = new MemorySource();
  for (const job of ['a', 'b']) {
    const samples: [number, number][] = [];
    for (let t = 0; t <= 120 * MIN; t += 15_000)
      samples.push([t, (job === 'b' && t >= 50 * MIN ? t - 50 * MIN : t) / 1000 + (t >= 60 * MIN ? bump : 0)]);
    src.add({ __name__: 'requests_total', job }, samples);
  }
  return src;
}

/** A source whose data the test replaces, counting the reads and the widest range read. */
class Swappable implements SeriesSource {
  reads = 0;
  constructor(public data: MemorySource) {}
  select(req: Parameters<SeriesSource['select']>[0]) {
    this.reads++;
    return this.data.select(req);
  }
}

function setup(opts: { settledMs: number; maxBytes?: number; maxAgeMs?: number; now?: () => number }) {
  const source = new Swappable(counters());
  const cache = new ResultsCache({
    maxBytes: opts.maxBytes ?? 1 << 20,
    maxAgeMs: opts.maxAgeMs ?? 3_600_000,
    now: opts.now,
  });
  let settled = opts.settledMs;
  const cached = new Engine({ source, results: { cache, scope: 'tenant-1', settledMs: () => settled } });
  const fresh = () => new Engine({ source: source.data });
  return { source, cache, cached, fresh, settle: (ms: number) => (settled = ms) };
}

const values = (r: QueryResult) =>
  r.resultType === 'matrix' ? r.result.map((s) => ({ metric: s.metric, t: Array.from(s.t), v: Array.from(s.v) })) : r;

const QUERIES = [
  'sum by (job) (rate(requests_total[5m]))',
  'rate(requests_total[5m])',
  'max_over_time(requests_total[10m:1m])',
  'requests_total > 1000',
  'count(requests_total)',
];

describe('range results kept between queries', () => {
  for (const q of QUERIES)
    test(`a range moved forward answers as a fresh evaluation: ${q}`, async () => {
      const { cached, fresh, cache } = setup({ settledMs: 100 * MIN });
      await cached.rangeQuery(q, 10 * MIN, 90 * MIN, MIN);
      // The next refresh, two steps later.
      const got = await cached.rangeQuery(q, 12 * MIN, 92 * MIN, MIN);
      assert.deepEqual(values(got), values(await fresh().rangeQuery(q, 12 * MIN, 92 * MIN, MIN)));
      assert.equal(cache.stats().hits, 1);
      assert.equal(cache.stats().stepsReused, 79);
    });

  test('a range reaching before the kept steps evaluates that part and still answers as a fresh one', async () => {
    const { cached, fresh } = setup({ settledMs: 100 * MIN });
    const q = 'sum by (job) (rate(requests_total[5m]))';
    await cached.rangeQuery(q, 30 * MIN, 60 * MIN, MIN);
    const got = await cached.rangeQuery(q, 10 * MIN, 90 * MIN, MIN);
    assert.deepEqual(values(got), values(await fresh().rangeQuery(q, 10 * MIN, 90 * MIN, MIN)));
  });

  test('steps after the settled time are evaluated again and see samples that arrived since', async () => {
    const { source, cached, fresh } = setup({ settledMs: 59 * MIN });
    const q = 'sum(requests_total)';
    await cached.rangeQuery(q, 0, 100 * MIN, MIN);
    // New values from 60 min on: after the settled time, so nothing kept holds them.
    source.data = counters(1000);
    const got = await cached.rangeQuery(q, 0, 100 * MIN, MIN);
    assert.deepEqual(values(got), values(await fresh().rangeQuery(q, 0, 100 * MIN, MIN)));
  });

  test('a write reaching back into kept steps drops them', async () => {
    const { source, cache, cached, fresh } = setup({ settledMs: 100 * MIN });
    const q = 'sum(requests_total)';
    await cached.rangeQuery(q, 0, 100 * MIN, MIN);
    source.data = counters(1000);
    // Kept steps are final by contract: without the write being told, the old answer stands...
    const stale = await cached.rangeQuery(q, 0, 100 * MIN, MIN);
    assert.notDeepEqual(values(stale), values(await fresh().rangeQuery(q, 0, 100 * MIN, MIN)));
    // ...and a write reaching back to 60 min drops what it touches.
    cache.invalidate('tenant-1', 60 * MIN);
    const got = await cached.rangeQuery(q, 0, 100 * MIN, MIN);
    assert.deepEqual(values(got), values(await fresh().rangeQuery(q, 0, 100 * MIN, MIN)));
  });

  test("another tenant's write drops nothing", async () => {
    const { source, cache, cached } = setup({ settledMs: 100 * MIN });
    await cached.rangeQuery('sum(requests_total)', 0, 100 * MIN, MIN);
    cache.invalidate('tenant-2', 0);
    const reads = source.reads;
    await cached.rangeQuery('sum(requests_total)', 0, 100 * MIN, MIN);
    assert.equal(source.reads, reads, 'answered from kept steps alone');
  });

  test('a result evaluated while a write reached back is not kept', async () => {
    const { source, cache, cached } = setup({ settledMs: 100 * MIN });
    const inner = source.data;
    source.data = {
      select: async (req) => {
        cache.invalidate('tenant-1', 0);
        return inner.select(req);
      },
    } as MemorySource;
    await cached.rangeQuery('sum(requests_total)', 0, 100 * MIN, MIN);
    assert.equal(cache.stats().entries, 0);
  });

  test('queries with @ or a negative offset are not kept (their steps read other times)', async () => {
    const { cache, cached } = setup({ settledMs: 100 * MIN });
    await cached.rangeQuery('requests_total @ 3000', 0, 100 * MIN, MIN);
    await cached.rangeQuery('requests_total @ end()', 0, 100 * MIN, MIN);
    await cached.rangeQuery('requests_total offset -5m', 0, 100 * MIN, MIN);
    await cached.rangeQuery('max_over_time(requests_total[10m:1m] offset -5m)', 0, 100 * MIN, MIN);
    assert.deepEqual(cache.stats(), { hits: 0, misses: 0, stepsReused: 0, bytes: 0, entries: 0 });
    await cached.rangeQuery('requests_total offset 5m', 0, 100 * MIN, MIN);
    assert.equal(cache.stats().entries, 1);
  });

  test('the kept bytes stay within the bound, the least recently used going first', async () => {
    // One series of 51 steps is ~1 KB: two results fit, three do not.
    const { cache, cached } = setup({ settledMs: 100 * MIN, maxBytes: 2_500 });
    const ask = (selector: string) => cached.rangeQuery(`requests_total{${selector}}`, 0, 100 * MIN, 2 * MIN);
    await ask('job="a"');
    await ask('job="b"');
    await ask('job=~"a"');
    assert.ok(cache.stats().bytes <= 2_500, `${cache.stats().bytes} bytes kept`);
    assert.equal(cache.stats().entries, 2);
    await ask('job="b"');
    assert.equal(cache.stats().hits, 1, 'the second result was still kept');
    await ask('job="a"');
    assert.equal(cache.stats().hits, 1, 'the first one went to make room for the third');
  });

  test('a kept result is not reused past its age', async () => {
    let now = 0;
    const { source, cached } = setup({ settledMs: 100 * MIN, maxAgeMs: 10 * MIN, now: () => now });
    await cached.rangeQuery('sum(requests_total)', 0, 100 * MIN, MIN);
    const reads = source.reads;
    now = 11 * MIN;
    await cached.rangeQuery('sum(requests_total)', 0, 100 * MIN, MIN);
    assert.equal(source.reads, reads + 1);
  });
});
