import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  adjustedCount,
  decodeThreshold,
  encodeThreshold,
  isKeptAt,
  MAX_THRESHOLD,
  randomnessOf,
  thresholdFor,
} from '../../src/index';

test('randomness is the low 56 bits of the trace id', () => {
  assert.equal(randomnessOf('0123456789abcdef00ffffffffffffff'), MAX_THRESHOLD - 1n);
  assert.equal(randomnessOf('ffffffffffffffffff00000000000001'), 1n);
});

test('thresholds encode as in the OpenTelemetry examples', () => {
  assert.equal(encodeThreshold(thresholdFor(100)), '0');
  assert.equal(encodeThreshold(thresholdFor(50)), '8');
  assert.equal(encodeThreshold(thresholdFor(25)), 'c');
  // The reference's th:f333333333333 is the same 5% rounded to 13 digits; full precision has 14.
  assert.equal(encodeThreshold(thresholdFor(5)), 'f3333333333333');
  assert.equal(decodeThreshold('8'), 1n << 55n);
  assert.equal(adjustedCount(thresholdFor(25)), 4);
  assert.ok(Math.abs(adjustedCount(thresholdFor(5)) - 20) < 1e-9);
  assert.throws(() => thresholdFor(101), RangeError);
});

// Random ids make the share a binomial draw: a fixed 0.1 pp band is only ~2 standard errors at 37.5% and failed
// about one run in 25. Five standard errors fail a correct sampler once in ~2 million runs and still catch a
// threshold off by a tenth of its percent.
test('the keep share over 1M random trace ids is within five standard errors of the percent', () => {
  for (const percent of [5, 37.5]) {
    const t = thresholdFor(percent);
    let kept = 0;
    const n = 1_000_000;
    const buf = randomBytes(16 * n);
    for (let i = 0; i < n; i++) if (isKeptAt(buf.toString('hex', i * 16, i * 16 + 16), t)) kept++;
    const p = percent / 100;
    const standardError = Math.sqrt((p * (1 - p)) / n) * 100;
    assert.ok(Math.abs((kept / n) * 100 - percent) < 5 * standardError, `${percent}%: kept ${(kept / n) * 100}%`);
  }
});
