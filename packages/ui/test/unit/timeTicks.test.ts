// Round time ticks for the logs histogram: a spacing a person counts in, on local hours and
// midnights, labels with the date once the range spans days.
import assert from 'node:assert/strict';
import { test } from 'node:test';

// Local time decides where ticks fall: fix the zone (one with daylight saving) before any Date.
process.env.TZ = 'Europe/Berlin';
const { timeTick, timeTicks } = await import('../../src/charts/timeTicks');

const at = (iso: string) => Date.parse(iso) / 1000;

test('7 days at ~10 labels: one tick per local midnight, labelled by date', () => {
  const start = at('2026-12-01T13:17:00+01:00');
  const end = start + 7 * 86400;
  const { ticks, spacing } = timeTicks(start, end, 10);
  assert.equal(spacing, 86400);
  assert.deepEqual(
    ticks.map((t) => timeTick(t, end - start, spacing)),
    ['12-02', '12-03', '12-04', '12-05', '12-06', '12-07', '12-08'],
  );
  for (const t of ticks) assert.equal(new Date(t * 1000).getHours(), 0);
});

test('30 days at 8 labels: a week apart, still at midnight', () => {
  const start = at('2026-11-03T09:00:00+01:00');
  const { ticks, spacing } = timeTicks(start, start + 30 * 86400, 8);
  assert.equal(spacing, 7 * 86400);
  assert.ok(ticks.length >= 4 && ticks.length <= 8, `${ticks.length}`);
  for (const t of ticks) assert.equal(new Date(t * 1000).getHours(), 0);
});

test('a day-tick range across the end of daylight saving stays on local midnight', () => {
  const start = at('2026-10-22T10:00:00+02:00');
  const { ticks } = timeTicks(start, start + 7 * 86400, 10);
  assert.equal(ticks.length, 7);
  for (const t of ticks) assert.equal(new Date(t * 1000).getHours(), 0, new Date(t * 1000).toString());
});

test('short ranges: minutes and seconds, never a fraction of a unit', () => {
  const start = at('2026-12-05T15:02:13+01:00');
  const hour = timeTicks(start, start + 3600, 8);
  assert.equal(hour.spacing, 10 * 60);
  assert.deepEqual(
    hour.ticks.map((t) => timeTick(t, 3600, hour.spacing)),
    ['15:10', '15:20', '15:30', '15:40', '15:50', '16:00'],
  );
  const minute = timeTicks(start, start + 60, 6);
  assert.equal(minute.spacing, 10);
  assert.equal(timeTick(minute.ticks[0], 60, minute.spacing), '15:02:20');
  // Two days and more: the date goes with the hour when ticks are hours apart.
  assert.equal(timeTick(at('2026-12-05T12:00:00+01:00'), 3 * 86400, 12 * 3600), '12-05 12:00');
});
