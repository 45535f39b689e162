// Which OTLP metrics a tenant holds, kept between PromQL requests (prometheus/familyCache.ts):
// this process's writes update them without a read; other writers' show after a re-read that
// runs in the background once they are a minute old.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sql } from '../../src/client';
import { writtenFamilies } from '../../src/prometheus/families';
import { FamilyCache } from '../../src/prometheus/familyCache';
import { gaugePoint } from '../fixtures';

const sumPoint = (over: Parameters<typeof gaugePoint>[0]) => ({
  ...gaugePoint(over),
  AggregationTemporality: 2,
  IsMonotonic: true,
});

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 12);
const ns = (ms: number) => `${ms}000000`;

/** A store whose families statement answers `rows` (mutable), counting the statements; `gate` holds them. */
function fakeSql() {
  const state = {
    statements: 0,
    rows: [] as Record<string, unknown>[],
    gate: Promise.resolve(),
    fail: false,
  };
  const sql = {
    query: async () => {
      state.statements++;
      const rows = [...state.rows];
      await state.gate;
      if (state.fail) throw new Error('store unavailable');
      return rows;
    },
  } as unknown as Sql;
  return { sql, state };
}

const row = (name: string, first: number, last: number) => ({
  tbl: 'metrics_gauge',
  MetricName: name,
  MetricUnit: '',
  mono: false,
  temporality: 0,
  help: '',
  first,
  last,
});
const names = (families: { baseName: string }[]) => families.map((f) => f.baseName).sort();

test("a write's families join the kept ones without a read: new names, and known ones' newer points", async () => {
  const { sql, state } = fakeSql();
  state.rows = [row('queue.depth', T0 - 30 * MIN, T0 - 10 * MIN)];
  const cache = new FamilyCache(() => T0);
  assert.deepEqual(names(await cache.get(sql, 'default', T0 - 60 * MIN, T0)), ['queue_depth']);
  // Nothing of queue.depth in the last five minutes yet.
  assert.deepEqual(names(await cache.get(sql, 'default', T0 - 5 * MIN, T0)), []);
  cache.written(
    'default',
    writtenFamilies({
      gauge: [gaugePoint({ MetricName: 'queue.depth', MetricUnit: '', TimeUnix: ns(T0 - MIN) })],
      sum: [sumPoint({ MetricName: 'jobs', MetricUnit: '', TimeUnix: ns(T0 - 2 * MIN) })],
      histogram: [],
      expHistogram: [],
      summary: [],
    }),
  );
  assert.deepEqual(names(await cache.get(sql, 'default', T0 - 5 * MIN, T0)), ['jobs_total', 'queue_depth']);
  // Another tenant's write changes nothing here, and its own families are read when asked for.
  cache.written(
    'acme',
    writtenFamilies({
      gauge: [gaugePoint({ MetricName: 'other', MetricUnit: '', TimeUnix: ns(T0) })],
      sum: [],
      histogram: [],
      expHistogram: [],
      summary: [],
    }),
  );
  assert.deepEqual(names(await cache.get(sql, 'default', T0 - 60 * MIN, T0)), ['jobs_total', 'queue_depth']);
  assert.equal(state.statements, 1);
  // A read further back than the kept one reads again.
  await cache.get(sql, 'default', T0 - 120 * MIN, T0);
  assert.equal(state.statements, 2);
});

test('kept a minute, families are read again in the background; writes meanwhile are kept', async () => {
  const { sql, state } = fakeSql();
  let now = T0;
  state.rows = [row('queue.depth', T0 - 30 * MIN, T0 - MIN)];
  const cache = new FamilyCache(() => now);
  await cache.get(sql, 'default', T0 - 60 * MIN, T0);
  now += 61_000;
  // Another process wrote `pool.size`: the re-read finds it.
  state.rows = [...state.rows, row('pool.size', T0, T0)];
  let release!: () => void;
  state.gate = new Promise((r) => (release = r));
  // Answered from memory while the re-read waits; one re-read for both requests.
  assert.deepEqual(names(await cache.get(sql, 'default', T0 - 60 * MIN, now)), ['queue_depth']);
  assert.deepEqual(names(await cache.get(sql, 'default', T0 - 60 * MIN, now)), ['queue_depth']);
  assert.equal(state.statements, 2);
  cache.written(
    'default',
    writtenFamilies({
      gauge: [gaugePoint({ MetricName: 'jobs', MetricUnit: '', TimeUnix: ns(now) })],
      sum: [],
      histogram: [],
      expHistogram: [],
      summary: [],
    }),
  );
  release();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(names(await cache.get(sql, 'default', T0 - 60 * MIN, now)), ['jobs', 'pool_size', 'queue_depth']);
  assert.equal(state.statements, 2);
});

test('a failed read is not kept: the next request reads again', async () => {
  const { sql, state } = fakeSql();
  state.fail = true;
  const cache = new FamilyCache(() => T0);
  await assert.rejects(cache.get(sql, 'default', T0 - MIN, T0), /unavailable/);
  state.fail = false;
  state.rows = [row('queue.depth', T0 - MIN, T0)];
  assert.deepEqual(names(await cache.get(sql, 'default', T0 - MIN, T0)), ['queue_depth']);
  assert.equal(state.statements, 2);
});
