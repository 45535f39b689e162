// The autocomplete rollup fed from memory (search/tagRollup.ts): counts reach `search_tag_values`
// at the timer, before a tag read, early at the bound and at close; never on a span write's path.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import type { SpanRecord } from '@tracehouse/otlp';
import { type InsertObservation, Store, type StoreOptions } from '../../src/index';
import { bareSpan, hex, storeOptions, tempDir } from '../fixtures';

/** Noon UTC three days ago: the rollup's day must follow the clock, not the insert. */
const NOW_MS = (Math.floor(Date.now() / 86_400_000) - 3) * 86_400_000 + 43_200_000;
const range = { tenant: 'default', start: NOW_MS / 1000 - 3600, end: NOW_MS / 1000 + 3600 };

interface Rollup {
  store: Store;
  /** Runs the rollup's timer once, as its interval would. */
  tick: () => Promise<void>;
  inserts: InsertObservation[];
}

async function open(dir: string, over: Partial<StoreOptions> = {}): Promise<Rollup> {
  let tick: () => Promise<void> = async () => {};
  const inserts: InsertObservation[] = [];
  const store = await Store.open({
    ...storeOptions(dir),
    onInsert: (o) => inserts.push(o),
    tagRollup: {
      now: () => NOW_MS,
      timer: (t) => {
        tick = t;
        return () => {};
      },
    },
    ...over,
  });
  return { store, tick: () => tick(), inserts };
}

const order = (tier: string, over: Partial<SpanRecord> = {}) =>
  bareSpan({ SpanId: hex(8), SpanName: 'checkout', SpanAttributes: { 'order.tier': tier }, ...over });

/** The rollup's rows, straight from the table (a tag read would insert the counts first). */
async function stored(store: Store, key = 'order.tier') {
  return store.sql.query<{ Value: string; Tenant: string; Day: string; Count: string; Expected: string }>(
    `SELECT Value, Tenant, toString(Day) AS Day, toString(sum(Count)) AS Count,
  toString(toDate(toDateTime({now:Int64}))) AS Expected
FROM search_tag_values WHERE Key = {key:String} GROUP BY Value, Tenant, Day ORDER BY Value, Tenant`,
    { key, now: Math.floor(NOW_MS / 1000) },
  );
}

describe('autocomplete rollup fed from memory', () => {
  const dirs: string[] = [];
  const dir = () => {
    dirs.push(tempDir());
    return dirs.at(-1)!;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('counts go in at the timer, not with the spans; the day is the clock day in ClickHouse', async () => {
    const { store, tick } = await open(dir());
    try {
      await store.writeSpans([order('gold'), order('gold'), order('silver')]);
      await store.writeSpans([order('gold')], 'acme');
      assert.deepEqual(await stored(store), [], 'nothing yet: the insert of spans does not feed the rollup');
      await tick();
      const rows = await stored(store);
      assert.deepEqual(
        rows.map((r) => [r.Value, r.Tenant, r.Count]),
        [
          ['gold', '', '2'],
          ['gold', 'acme', '1'],
          ['silver', '', '1'],
        ],
      );
      assert.ok(
        rows.every((r) => r.Day === r.Expected),
        JSON.stringify(rows),
      );
      await store.writeSpans([order('gold')]);
      await tick();
      assert.equal((await stored(store))[0]!.Count, '3', 'the next interval adds to the counts');
      assert.deepEqual(await store.tagValues({ ...range, tag: 'span.order.tier' }), [
        { type: 'string', value: 'gold' },
        { type: 'string', value: 'silver' },
      ]);
      assert.deepEqual(await store.tagValues({ ...range, tenant: 'acme', tag: 'span.order.tier' }), [
        { type: 'string', value: 'gold' },
      ]);
    } finally {
      await store.close();
    }
  });

  test('a tag read inserts the counts first: autocomplete shows every span stored so far', async () => {
    const { store } = await open(dir());
    try {
      await store.writeSpans([order('bronze')]);
      assert.deepEqual(await store.tagValues({ ...range, tag: '.order.tier' }), [{ type: 'string', value: 'bronze' }]);
      const scopes = await store.searchTags({ ...range, scope: 'span' });
      assert.deepEqual(scopes, [{ name: 'span', tags: ['order.tier'] }]);
    } finally {
      await store.close();
    }
  });

  test('close inserts what is left, so a restart finds it', async () => {
    const d = dir();
    const first = await open(d);
    await first.store.writeSpans([order('platinum')]);
    await first.store.close();
    const second = await open(d);
    try {
      assert.deepEqual(
        (await stored(second.store)).map((r) => [r.Value, r.Count]),
        [['platinum', '1']],
      );
    } finally {
      await second.store.close();
    }
  });

  test('at the bound the counts go early, without the timer, and new rows wait for room', async () => {
    const { store, inserts } = await open(dir(), {
      tagRollup: { now: () => NOW_MS, timer: () => () => {}, maxEntries: 4 },
    });
    try {
      const rollupInserts = () => inserts.filter((o) => o.table === 'search_tag_values');
      // Three rows (name, service.name, one tier): room left.
      await store.writeSpans([order('a')]);
      assert.equal(rollupInserts().length, 0);
      // The fourth row fills it; the fifth finds no room and is dropped.
      await store.writeSpans([order('b'), order('c')]);
      for (let i = 0; i < 100 && rollupInserts().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(
        rollupInserts().map((o) => [o.rows, o.ok]),
        [[4, true]],
      );
      assert.deepEqual(
        (await stored(store)).map((r) => r.Value),
        ['a', 'b'],
      );
      await store.writeSpans([order('c')]);
      assert.deepEqual(
        (await stored(store)).map((r) => r.Value),
        ['a', 'b'],
      );
      assert.deepEqual(
        (await store.tagValues({ ...range, tag: 'span.order.tier' })).map((v) => v.value),
        ['a', 'b', 'c'],
        'room again after the early insert',
      );
    } finally {
      await store.close();
    }
  });

  test('a failing insert of counts is dropped and seen; span writes and close are untouched', async () => {
    const { store, tick, inserts } = await open(dir());
    await store.sql.command('DROP TABLE search_tag_values');
    const traceId = hex(16);
    await store.writeSpans([order('gold', { TraceId: traceId })]);
    await tick();
    assert.deepEqual(
      inserts.filter((o) => o.table === 'search_tag_values').map((o) => o.ok),
      [false],
    );
    await store.writeSpans([order('silver', { TraceId: traceId })]);
    assert.equal((await store.getTrace(traceId, 'default')).length, 2);
    await store.close();
    assert.deepEqual(
      inserts.filter((o) => o.table === 'search_tag_values').map((o) => o.ok),
      [false, false],
    );
  });
});
