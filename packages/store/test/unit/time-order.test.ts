// A series' rows arrive as ascending runs (one per stored part) in any order; reads put them in
// time order, keeping rows of equal time in the order they came (the last one wins later).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeOrder } from '../../src/prometheus/timeOrder';

/** The reference: a stable comparator sort of the indexes. */
function byComparator(t: Float64Array): number[] {
  return [...t.keys()].sort((a, b) => t[a]! - t[b]! || a - b);
}

test('rows already in time order need no reordering', () => {
  assert.equal(timeOrder(Float64Array.of(1, 2, 2, 5), 4), undefined);
  assert.equal(timeOrder(new Float64Array(0), 0), undefined);
});

test('parts read newest first come back oldest first', () => {
  const t = Float64Array.of(30, 40, 50, 10, 20, 0, 5);
  assert.deepEqual(
    [...timeOrder(t, t.length)!].map((i) => t[i]),
    [0, 5, 10, 20, 30, 40, 50],
  );
});

test('any order, with repeated times, equals a stable sort', () => {
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let trial = 0; trial < 300; trial++) {
    const n = Math.floor(rnd() * 200);
    const t = new Float64Array(n);
    // Runs of ascending times with few distinct values, so ties are common.
    for (let i = 0; i < n; i++)
      t[i] = rnd() < 0.2 ? Math.floor(rnd() * 20) : i > 0 ? t[i - 1]! + Math.floor(rnd() * 2) : 0;
    const order = timeOrder(t, n);
    assert.deepEqual(order ? [...order] : [...t.keys()], byComparator(t), `trial ${trial}`);
  }
});
