import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryCache } from '../../src/index';

const cache = (maxSize = 100, ttlMs = Infinity, now?: () => number) =>
  new QueryCache<{ v: number[] }>('test', { maxSize, sizeOf: (e) => e.v.length, ttlMs, now });

test('a hit answers the stored result without loading again', async () => {
  const c = cache();
  let loads = 0;
  const load = async () => ({ v: [++loads, 2, 3] });
  const first = await c.get('k', load);
  const second = await c.get('k', load);
  assert.deepEqual(second, first);
  assert.equal(loads, 1);
  assert.deepEqual(
    { hits: c.stats().hits, misses: c.stats().misses, entries: c.stats().entries },
    { hits: 1, misses: 1, entries: 1 },
  );
});

test('identical requests in flight share one load (single flight)', async () => {
  const c = cache();
  let loads = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const load = async () => {
    loads++;
    await gate;
    return { v: [7] };
  };
  const all = Promise.all(Array.from({ length: 5 }, () => c.get('k', load)));
  release();
  const results = await all;
  assert.equal(loads, 1);
  for (const r of results) assert.deepEqual(r, { v: [7] });
  assert.equal(c.stats().coalesced, 4);
});

test('a result the caller says can still change is not kept', async () => {
  const c = cache();
  let loads = 0;
  const load = async () => ({ v: [++loads] });
  await c.get('k', load, { keep: () => false });
  await c.get('k', load, { keep: () => false });
  assert.equal(loads, 2);
  assert.equal(c.stats().entries, 0);
});

test('invalidating a tag drops its entries, and a load in flight for it is not kept', async () => {
  const c = cache();
  let loads = 0;
  const load = async () => ({ v: [++loads] });
  await c.get('a1', load, { tag: 'a' });
  await c.get('b1', load, { tag: 'b' });
  c.invalidate('a');
  assert.deepEqual(await c.get('a1', load, { tag: 'a' }), { v: [3] });
  assert.deepEqual(await c.get('b1', load, { tag: 'b' }), { v: [2] }, 'other tags stay');

  // A read that started before a late write and finishes after it answers its caller, but
  // the next read loads again.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow = c.get(
    'a2',
    async () => {
      await gate;
      return { v: [100] };
    },
    { tag: 'a' },
  );
  c.invalidate('a');
  // A request arriving after the write does not join the read that may have missed it.
  const after = c.get('a2', async () => ({ v: [102] }), { tag: 'a' });
  release();
  assert.deepEqual(await slow, { v: [100] });
  assert.deepEqual(await after, { v: [102] });
  assert.deepEqual(await c.get('a2', async () => ({ v: [101] }), { tag: 'a' }), { v: [102] }, 'the fresh read is kept');
});

test('the cache is bounded by size: least recently used go first, an oversized result is not kept', async () => {
  const c = cache(10);
  const four = (n: number) => async () => ({ v: [n, n, n, n] });
  await c.get('a', four(1));
  await c.get('b', four(2));
  await c.get('a', four(9)); // a is now the most recently used
  await c.get('c', four(3)); // 12 > 10: b goes
  assert.equal(c.stats().entries, 2);
  assert.ok(c.stats().size <= 10);
  assert.deepEqual(await c.get('a', four(9)), { v: [1, 1, 1, 1] });
  assert.deepEqual(await c.get('b', four(5)), { v: [5, 5, 5, 5] }, 'b was evicted and is loaded again');
  await c.get('huge', async () => ({ v: Array.from({ length: 11 }, () => 0) }));
  assert.equal(
    await c.get('huge', async () => ({ v: [1] })).then((r) => r.v.length),
    1,
    'a result bigger than the cache is not kept',
  );
});

test('an entry is not served past its TTL', async () => {
  let now = 1000;
  const c = cache(100, 50, () => now);
  let loads = 0;
  const load = async () => ({ v: [++loads] });
  await c.get('k', load);
  now += 49;
  assert.deepEqual(await c.get('k', load), { v: [1] });
  now += 2;
  assert.deepEqual(await c.get('k', load), { v: [2] });
});

test('a failed load is not kept and the next request loads again', async () => {
  const c = cache();
  await assert.rejects(
    c.get('k', async () => {
      throw new Error('engine down');
    }),
    /engine down/,
  );
  assert.deepEqual(await c.get('k', async () => ({ v: [1] })), { v: [1] });
});
