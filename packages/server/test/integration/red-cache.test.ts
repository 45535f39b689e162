// The RED cache over the real embedded store: finished steps come from memory and every answer
// equals the uncached read (order included), for random ranges, steps, filters and watermarks.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DerivedStore, type RedQuery, type SpanMetricRow } from '@tracehouse/derived';
import { DEFAULT_TENANT, Store, tenantKey } from '@tracehouse/store';
import { RED_STEPS_PER_BLOCK, RedCache } from '../../src/api/redCache';

const INTERVAL = 15_000;
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 4 * 3_600_000;
const INTERVALS = 4 * 240; // 4 h
const SERVICES = ['cart', 'checkout', 'Zürich', 'ad'];

let store: Store;
let derived: DerivedStore;
let reads = 0;
const load = (q: RedQuery) => {
  reads++;
  return derived.queryRed(q);
};

function row(tenant: string, i: number, service: string, spanName: string, spanKind: string, statusCode: string) {
  const calls = 1 + ((i * 7 + service.length) % 5);
  return {
    tenant,
    windowStartMs: T0 + i * INTERVAL,
    windowEndMs: T0 + (i + 1) * INTERVAL,
    seriesKey: JSON.stringify([service, spanName, spanKind, statusCode]),
    service,
    spanName,
    spanKind,
    statusCode,
    dimensions: {},
    overflow: false,
    calls,
    latencySum: calls * 0.1,
    latencyBuckets: [calls, 0, i % 3],
    exemplars: [],
  } satisfies SpanMetricRow;
}

before(async () => {
  store = await Store.open({
    dataDir: mkdtempSync(join(tmpdir(), 'tracehouse-red-cache-')),
    retention: { spansRecent: 3600, spans: 86400, logs: 86400, metrics: 30 * 86400 },
    writer: { batchRows: 5000, flushIntervalMs: 50, maxQueuedBytes: 1 << 26, maxInsertRows: 100_000 },
  });
  derived = new DerivedStore(store);
  const rows: SpanMetricRow[] = [];
  for (let i = 0; i < INTERVALS; i++)
    for (const service of SERVICES) {
      // Not every series in every interval: gaps must stay gaps.
      if ((i + service.length) % 4 === 0) continue;
      rows.push(row('', i, service, `${service} GET`, 'Server', i % 9 === 0 ? 'Error' : 'Unset'));
      rows.push(row('', i, service, `${service} SELECT`, 'Client', 'Unset'));
      rows.push(row(tenantKey('acme'), i, service, 'acme op', 'Server', 'Unset'));
    }
  await derived.insertSpanMetrics(rows);
});
after(() => store.close());

/** A pseudo-random generator, so a failure is repeatable. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

test('every answer equals the uncached read, for random ranges, steps, filters and watermarks', async () => {
  const cache = new RedCache(load, { maxCells: 1_000_000, ttlMs: 60_000 });
  const r = random(21);
  for (let n = 0; n < 60; n++) {
    const stepMs = INTERVAL * [1, 2, 4, 8][Math.floor(r() * 4)]!;
    const startMs = Math.floor((T0 + r() * INTERVALS * INTERVAL * 0.8) / stepMs) * stepMs;
    const endMs = startMs + Math.ceil(r() * INTERVALS * INTERVAL * 0.6) + 1;
    const watermark = T0 + Math.floor(r() * INTERVALS * 1.1) * INTERVAL;
    const q: RedQuery = {
      tenant: r() < 0.8 ? DEFAULT_TENANT : 'acme',
      startMs,
      endMs,
      stepMs,
      bySpanName: r() < 0.5,
      spanKinds: r() < 0.5 ? ['Server'] : [],
      service: r() < 0.3 ? SERVICES[Math.floor(r() * SERVICES.length)] : undefined,
    };
    assert.deepEqual(await cache.query(q, watermark), await derived.queryRed(q), JSON.stringify({ q, watermark }));
  }
  assert.ok(cache.stats().hits > 0, 'repeated blocks were served from memory');
});

test('a finished range is read once; the unfinished steps are read every time', async () => {
  const cache = new RedCache(load, { maxCells: 1_000_000, ttlMs: 60_000 });
  const stepMs = INTERVAL * 2;
  const blockMs = stepMs * RED_STEPS_PER_BLOCK;
  const startMs = Math.ceil(T0 / blockMs) * blockMs;
  const q: RedQuery = {
    tenant: DEFAULT_TENANT,
    startMs,
    endMs: startMs + 2 * blockMs,
    stepMs,
    bySpanName: true,
    spanKinds: [],
  };
  const finished = startMs + 2 * blockMs;
  reads = 0;
  const first = await cache.query(q, finished);
  assert.equal(reads, 1, 'one statement for the whole range');
  assert.deepEqual(await cache.query(q, finished), first);
  assert.equal(reads, 1, 'a range that has finished is answered from memory');
  assert.deepEqual(
    await cache.query({ ...q, tenant: 'acme' }, finished),
    await derived.queryRed({ ...q, tenant: 'acme' }),
  );

  // The second block is not finished yet: it is read every time and sees rows written meanwhile.
  const open = startMs + blockMs;
  const laterQ = q;
  const fresh = new RedCache(load, { maxCells: 1_000_000, ttlMs: 60_000 });
  await fresh.query(laterQ, open);
  await derived.insertSpanMetrics([row('', (open - T0) / INTERVAL + 3, 'late', 'late GET', 'Server', 'Unset')]);
  reads = 0;
  const after = await fresh.query(laterQ, open);
  assert.equal(reads, 1);
  assert.ok(
    after.some((c) => c.service === 'late'),
    'a step after the watermark is read again',
  );
  assert.deepEqual(after, await derived.queryRed(laterQ));
});

test('the cache holds at most its cell budget, and 0 turns it off', async () => {
  const stepMs = INTERVAL;
  const q: RedQuery = {
    tenant: DEFAULT_TENANT,
    startMs: T0,
    endMs: T0 + INTERVALS * INTERVAL,
    stepMs,
    bySpanName: true,
    spanKinds: [],
  };
  const small = new RedCache(load, { maxCells: 500, ttlMs: 60_000 });
  assert.deepEqual(await small.query(q, q.endMs), await derived.queryRed(q));
  assert.ok(small.stats().size <= 500);
  const off = new RedCache(load, { maxCells: 0, ttlMs: 60_000 });
  reads = 0;
  await off.query(q, q.endMs);
  await off.query(q, q.endMs);
  assert.equal(reads, 2);
  assert.equal(off.stats().entries, 0);
});

test('identical requests in flight at once share one read', async () => {
  const cache = new RedCache(load, { maxCells: 0, ttlMs: 60_000 });
  const q: RedQuery = {
    tenant: DEFAULT_TENANT,
    startMs: T0,
    endMs: T0 + 3_600_000,
    stepMs: INTERVAL,
    bySpanName: false,
    spanKinds: [],
  };
  reads = 0;
  const [a, b] = await Promise.all([cache.query(q, q.endMs), cache.query(q, q.endMs)]);
  assert.equal(reads, 1);
  assert.deepEqual(a, b);
  assert.equal(cache.stats().coalesced, 1);
  await cache.query(q, q.endMs);
  assert.equal(reads, 2, 'the next request reads again');
});
