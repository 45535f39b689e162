import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatStats, runFuzz } from '../support/fuzz';

// The full run (100k cases) is `npm run fuzz`; this sample keeps the unit suite fast.
it('3k fuzz cases: only OtlpDecodeError is thrown, nothing hangs, decoded records round-trip', () => {
  const stats = runFuzz({ cases: 3000, seed: 20251121 });
  assert.deepEqual(stats.failures, [], formatStats(stats));
  assert.equal(stats.crashes, 0);
  assert.equal(stats.cases, 3000);
  // The mix must keep reaching past the first decode error, or the sample proves little.
  assert.ok(stats.ok + stats.partial > 300, formatStats(stats));
  assert.ok(stats.decodeErrors > 300, formatStats(stats));
});
