import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from '@tracehouse/traceql';
import { Store } from '../../src/index';
import { bareSpan, hex, keptOutOfRecentWindow, storeOptions, tempDir } from '../fixtures';

/** A kept trace of `spanCount` spans that has left the recent window. */
async function settledTrace(store: Store, spanCount: number): Promise<string> {
  const staging = hex(16);
  const now = BigInt(Date.now()) * 1_000_000n;
  await store.writeSpans(
    Array.from({ length: spanCount }, (_, i) =>
      bareSpan({ TraceId: staging, SpanId: hex(8), Timestamp: String(now + BigInt(i) * 1000n) }),
    ),
  );
  return keptOutOfRecentWindow(store, staging);
}

test('a settled trace is served from memory, identical, per tenant, until a late span of it arrives', async () => {
  const store = await Store.open(storeOptions(tempDir()));
  try {
    const traceId = await settledTrace(store, 3);
    const first = await store.getTrace(traceId, 'default');
    assert.equal(first.length, 3);
    const before = store.cacheStats().trace!;
    const second = await store.getTrace(traceId, 'default');
    assert.deepEqual(second, first);
    assert.equal(store.cacheStats().trace!.hits, before.hits + 1, 'the second read is a hit');
    assert.deepEqual(await store.getTrace(traceId, 'acme'), [], 'another tenant never gets it from the cache');

    // A late span: acknowledged means the next read has it, and while the trace is back in
    // the recent window it is read from the store every time.
    const late = hex(8);
    await store.writeSpans([
      bareSpan({ TraceId: traceId, SpanId: late, Timestamp: String(BigInt(Date.now()) * 1_000_000n) }),
    ]);
    const after = await store.getTrace(traceId, 'default');
    assert.equal(after.length, 4);
    assert.ok(after.some((s) => s.SpanId === late));
    const misses = store.cacheStats().trace!.misses;
    await store.getTrace(traceId, 'default');
    assert.equal(store.cacheStats().trace!.misses, misses + 1, 'a trace in the recent window is not cached');
  } finally {
    await store.close();
  }
});

test('pages of a trace bigger than the page are cached apart and add up to the trace', async () => {
  const store = await Store.open(storeOptions(tempDir()));
  try {
    const traceId = await settledTrace(store, 5);
    const whole = await store.getTracePage(traceId, 'default', { limit: 100, offset: 0 });
    const p1 = await store.getTracePage(traceId, 'default', { limit: 3, offset: 0 });
    const p2 = await store.getTracePage(traceId, 'default', { limit: 3, offset: 3 });
    assert.deepEqual([p1.total, p2.total], [5, 5]);
    assert.deepEqual([...p1.spans, ...p2.spans], whole.spans);
    const hits = store.cacheStats().trace!.hits;
    assert.deepEqual(await store.getTracePage(traceId, 'default', { limit: 3, offset: 3 }), p2);
    assert.equal(store.cacheStats().trace!.hits, hits + 1);
  } finally {
    await store.close();
  }
});

test('the trace cache holds at most its span budget', async () => {
  const store = await Store.open({ ...storeOptions(tempDir()), traceCache: { maxSpans: 5 } });
  try {
    const a = await settledTrace(store, 3);
    const b = await settledTrace(store, 3);
    await store.getTrace(a, 'default');
    await store.getTrace(b, 'default');
    const s = store.cacheStats().trace!;
    assert.equal(s.entries, 1, 'two traces of 3 spans do not fit in 5');
    assert.ok(s.size <= 5);
  } finally {
    await store.close();
  }
});

test('identical searches in flight at once share one read; the next one reads again', async () => {
  const store = await Store.open(storeOptions(tempDir()));
  try {
    await settledTrace(store, 2);
    const nowS = Math.floor(Date.now() / 1000);
    const search = () =>
      store.searchTraces({
        tenant: 'default',
        query: parse('{ resource.service.name = "svc" }'),
        start: nowS - 3600,
        end: nowS + 60,
        limit: 20,
        spansPerTrace: 3,
        recent: true,
      });
    const [a, b] = await Promise.all([search(), search()]);
    assert.ok(a.length > 0);
    assert.deepEqual(b, a);
    assert.equal(store.cacheStats().search!.coalesced, 1);
    await search();
    assert.equal(store.cacheStats().search!.misses, 2, 'a search result is never kept');
  } finally {
    await store.close();
  }
});
