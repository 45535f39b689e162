import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newestFirstSlices } from '../../src/search/search';

test('a search window is read newest first in slices that tile it on minute edges', () => {
  const end = 1_800_000_000; // a multiple of 60
  const slices = newestFirstSlices(end - 3600, end);
  assert.deepEqual(slices, [
    { from: end - 60, to: end, toInclusive: true },
    { from: end - 480, to: end - 60, toInclusive: false },
    { from: end - 3600, to: end - 480, toInclusive: false },
  ]);
});

test('edges fall on bucket edges, and a short window is one slice', () => {
  const end = 1_800_000_123;
  for (const s of newestFirstSlices(end - 86_400, end).slice(0, -1)) assert.equal(s.from % 60, 0);
  const day = newestFirstSlices(end - 86_400, end);
  assert.equal(day.length, 3);
  assert.equal(day[2]!.from, end - 86_400);
  assert.deepEqual(newestFirstSlices(end - 50, end), [{ from: end - 50, to: end, toInclusive: true }]);
  // Fractional bounds are widened to whole seconds, as the time filter does.
  assert.deepEqual(newestFirstSlices(10.5, 20.2), [{ from: 10, to: 21, toInclusive: true }]);
});
