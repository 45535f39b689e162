// Where a TraceQL metrics query stops reading kept spans (weighted) and starts reading the recent
// window (every span once): one cut, so no span is counted twice or missed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitAtRecent } from '../../src/index';

const HOUR = 3600;
const now = 1_733_400_000;

test('a range across the cut: kept before now - retention, recent after, meeting at the cut', () => {
  assert.deepEqual(splitAtRecent(now - 24 * HOUR, now + 60, now, HOUR), {
    kept: { from: now - 24 * HOUR, to: now - HOUR },
    recent: { from: now - HOUR, to: now + 60 },
  });
});

test('a range inside the recent window reads only it; one older than it only the kept spans', () => {
  assert.deepEqual(splitAtRecent(now - 600, now, now, HOUR), { kept: null, recent: { from: now - 600, to: now } });
  assert.deepEqual(splitAtRecent(now - 5 * HOUR, now - 2 * HOUR, now, HOUR), {
    kept: { from: now - 5 * HOUR, to: now - 2 * HOUR },
    recent: null,
  });
});

test('the cut is a whole second, even with a fractional now', () => {
  assert.deepEqual(splitAtRecent(now - 2 * HOUR, now, now + 0.7, HOUR).kept, { from: now - 2 * HOUR, to: now - HOUR });
});
