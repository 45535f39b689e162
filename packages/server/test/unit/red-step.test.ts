import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stepMs } from '../../src/api/red';

test('step: seconds or a duration, whole intervals, ~120 points by default, bounded', () => {
  assert.equal(stepMs('60', 3_600_000, 15_000), 60_000);
  assert.equal(stepMs('1m', 3_600_000, 15_000), 60_000);
  assert.equal(stepMs('20s', 3_600_000, 15_000), 30_000, 'rounded up to whole intervals');
  assert.equal(stepMs('1', 3_600_000, 15_000), 15_000, 'never below one interval');
  assert.equal(stepMs(undefined, 3_600_000, 15_000), 30_000);
  assert.throws(() => stepMs('banana', 3_600_000, 15_000), /step must be/);
  assert.throws(() => stepMs('1s', 86_400_000 * 30, 1000), /too small/);
});
