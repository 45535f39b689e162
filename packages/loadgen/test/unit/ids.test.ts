import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdSequence, spanIdHex, traceIdHex } from '../../src/workload/ids';
import { Random, seedWords } from '../../src/workload/random';

describe('ids', () => {
  it('never repeats a trace id and spreads the low bytes evenly', () => {
    const seq = new IdSequence(seedWords(1), 1);
    const seen = new Set<string>();
    const lowNibble = new Array(16).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const id = traceIdHex(seq.next128());
      seen.add(id);
      lowNibble[Number.parseInt(id[31], 16)]++;
    }
    assert.equal(seen.size, n);
    for (const c of lowNibble) assert.ok(Math.abs(c - n / 16) < n / 16 / 10);
  });

  it('never repeats a span id, and never makes a zero id', () => {
    const seq = new IdSequence(seedWords('spans'), 2);
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(spanIdHex(seq.next64()));
    assert.equal(seen.size, 100_000);
    assert.ok(!seen.has('0000000000000000'));
  });

  it('draws the same numbers for the same seed and stream', () => {
    const a = Random.derive(seedWords('x'), 1, 5);
    const b = Random.derive(seedWords('x'), 1, 5);
    const c = Random.derive(seedWords('x'), 1, 6);
    const draw = (r: Random) => Array.from({ length: 5 }, () => r.u32());
    const da = draw(a);
    assert.deepEqual(da, draw(b));
    assert.notDeepEqual(da, draw(c));
    const r = Random.fromSeed(3);
    for (let i = 0; i < 1000; i++) {
      const f = r.float();
      assert.ok(f >= 0 && f < 1);
      const n = r.int(3, 5);
      assert.ok(n >= 3 && n <= 5 && Number.isInteger(n));
    }
  });
});
