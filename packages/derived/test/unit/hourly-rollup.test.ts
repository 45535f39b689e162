// The hourly roll-up sums an hour once both derived processors have computed all of it, from
// the hour of the oldest interval on, a few per tick, resuming from its watermark.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOUR_MS } from '@tracehouse/store';
import { HourlyRollupProcessor, type HourlyRollupStore } from '../../src/index';

const H0 = 480_000 * HOUR_MS;
const MIN = 60_000;

class FakeStore implements HourlyRollupStore {
  watermarks = new Map<string, number>();
  hours: number[] = [];
  failOn?: number;
  failWrite = false;
  /** Statements that read the store (the watermark, the oldest interval). */
  reads = 0;
  constructor(private readonly oldest: number | null) {}
  async readWatermark(name: string) {
    this.reads++;
    return this.watermarks.get(name) ?? null;
  }
  async writeWatermark(name: string, ms: number) {
    if (this.failWrite) throw new Error('watermark not written');
    this.watermarks.set(name, ms);
  }
  async oldestMs() {
    this.reads++;
    return this.oldest;
  }
  async rollUpHour(hourStartMs: number) {
    if (hourStartMs === this.failOn) throw new Error('store unavailable');
    this.hours.push(hourStartMs);
  }
}

test('nothing before the processors computed anything, or on an empty store', async () => {
  const empty = new FakeStore(null);
  await new HourlyRollupProcessor(empty, () => H0 + 5 * HOUR_MS).tick();
  const early = new FakeStore(H0 + MIN);
  await new HourlyRollupProcessor(early, () => null).tick();
  assert.deepEqual([...empty.hours, ...early.hours], []);
});

test('whole hours only, from the oldest interval, a bounded number per tick', async () => {
  const store = new FakeStore(H0 + 5 * MIN);
  let until = H0 + HOUR_MS - 1;
  const p = new HourlyRollupProcessor(store, () => until, 2);
  await p.tick();
  assert.deepEqual(store.hours, [], 'the first hour is not complete yet');
  until = H0 + 3 * HOUR_MS + 20 * MIN;
  await p.tick();
  assert.deepEqual(store.hours, [H0, H0 + HOUR_MS]);
  await p.tick();
  assert.deepEqual(store.hours, [H0, H0 + HOUR_MS, H0 + 2 * HOUR_MS]);
  await p.tick();
  assert.equal(store.hours.length, 3, 'the fourth hour has not ended');
  assert.equal(store.watermarks.get(p.name), H0 + 3 * HOUR_MS);
});

test('an interval ending on the hour belongs to the hour before (an hour holds the ends in (start, start + 1 h])', async () => {
  const store = new FakeStore(H0 + HOUR_MS);
  await new HourlyRollupProcessor(store, () => H0 + 2 * HOUR_MS).tick();
  assert.deepEqual(store.hours, [H0, H0 + HOUR_MS]);
});

test('a failed hour is done again at the next tick; the hours before it are not', async () => {
  const store = new FakeStore(H0 + MIN);
  store.failOn = H0 + HOUR_MS;
  const p = new HourlyRollupProcessor(store, () => H0 + 3 * HOUR_MS);
  await assert.rejects(p.tick(), /store unavailable/);
  assert.equal(store.watermarks.get(p.name), H0 + HOUR_MS);
  store.failOn = undefined;
  await p.tick();
  assert.deepEqual(store.hours, [H0, H0 + HOUR_MS, H0 + 2 * HOUR_MS]);
});

test('ticks without a whole hour to sum read nothing; a restart resumes from the stored watermark', async () => {
  const store = new FakeStore(H0 + MIN);
  let until = H0 + 2 * HOUR_MS;
  const p = new HourlyRollupProcessor(store, () => until);
  await p.tick();
  assert.deepEqual(store.hours, [H0, H0 + HOUR_MS]);
  const reads = store.reads;
  for (let i = 0; i < 5; i++) await p.tick();
  assert.equal(store.reads, reads, 'no statement while the next hour runs');
  until = H0 + 3 * HOUR_MS;
  await p.tick();
  assert.deepEqual(store.hours, [H0, H0 + HOUR_MS, H0 + 2 * HOUR_MS]);
  // Another process on the same store starts from what was written, not from the oldest interval.
  const restarted = new HourlyRollupProcessor(store, () => H0 + 4 * HOUR_MS);
  await restarted.tick();
  assert.deepEqual(store.hours, [H0, H0 + HOUR_MS, H0 + 2 * HOUR_MS, H0 + 3 * HOUR_MS]);
});

test('a watermark that could not be written is read again: the hour is summed again, none skipped', async () => {
  const store = new FakeStore(H0 + MIN);
  const p = new HourlyRollupProcessor(store, () => H0 + 2 * HOUR_MS);
  store.failWrite = true;
  await assert.rejects(p.tick(), /watermark not written/);
  store.failWrite = false;
  await p.tick();
  // H0 was summed before the failed write and again after it (the hourly tables fold the copies).
  assert.deepEqual(store.hours, [H0, H0, H0 + HOUR_MS]);
  assert.equal(store.watermarks.get(p.name), H0 + 2 * HOUR_MS);
});
