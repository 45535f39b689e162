import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decimalAdd,
  decimalDiff,
  decimalToHiLo,
  int64ToDecimal,
  int64ToNumber,
  integerNumberToDecimal,
  normaliseDecimal,
  uint64DiffToDecimal,
  uint64ToDecimal,
} from '../../src/wire/int64';
import { Random } from '../support/random';

const split = (v: bigint): [number, number] => [Number((v >> 32n) & 0xffffffffn), Number(v & 0xffffffffn)];

const EDGES = [
  0n,
  1n,
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 53n + 1n,
  999_999_999n,
  1_000_000_000n,
  1_700_000_000_999_999_999n,
  2n ** 63n - 1n,
  2n ** 63n,
  2n ** 64n - 1n,
  10n ** 19n,
  10n ** 19n - 1n,
];

function randomUint64(rnd: Random): bigint {
  return (BigInt(rnd.int(2 ** 32)) << 32n) | BigInt(rnd.int(2 ** 32));
}

describe('64-bit integers as exact decimals', () => {
  it('uint64ToDecimal and int64ToDecimal agree with BigInt on edges and 20k random values', () => {
    const rnd = new Random(7);
    const values = [...EDGES, ...Array.from({ length: 20_000 }, () => randomUint64(rnd))];
    for (const v of values) {
      const [hi, lo] = split(v);
      assert.equal(uint64ToDecimal(hi, lo), v.toString());
      assert.equal(int64ToDecimal(hi, lo), BigInt.asIntN(64, v).toString());
      assert.equal(int64ToNumber(hi, lo), Number(BigInt.asIntN(64, v)));
      assert.deepEqual(decimalToHiLo(BigInt.asIntN(64, v).toString()), [hi, lo]);
    }
  });

  it('uint64DiffToDecimal and decimalDiff/decimalAdd are exact, including negative results', () => {
    const rnd = new Random(8);
    for (let i = 0; i < 20_000; i++) {
      const a = i % 3 === 0 ? randomUint64(rnd) : 1_700_000_000_000_000_000n + BigInt(rnd.int(2 ** 31));
      const b = i % 5 === 0 ? randomUint64(rnd) : a + BigInt(rnd.int(2 ** 31) - 2 ** 30);
      const bb = BigInt.asUintN(64, b);
      const expected = (bb - a).toString();
      assert.equal(uint64DiffToDecimal(...split(a), ...split(bb)), expected);
      assert.equal(decimalDiff(a.toString(), bb.toString()), expected);
      assert.equal(decimalAdd(a.toString(), expected), bb.toString());
    }
  });

  it('normaliseDecimal validates and canonicalises', () => {
    assert.equal(normaliseDecimal('007', false), '7');
    assert.equal(normaliseDecimal('-0', true), '0');
    assert.equal(normaliseDecimal('18446744073709551615', false), '18446744073709551615');
    assert.equal(normaliseDecimal('18446744073709551616', false), null);
    assert.equal(normaliseDecimal('-9223372036854775808', true), '-9223372036854775808');
    assert.equal(normaliseDecimal('-9223372036854775809', true), null);
    assert.equal(normaliseDecimal('9223372036854775808', true), null);
    assert.equal(normaliseDecimal('-1', false), null);
    for (const bad of ['', '-', '+1', '1.0', '1e3', ' 1', '0x10']) assert.equal(normaliseDecimal(bad, true), null, bad);
  });

  it('integerNumberToDecimal converts integral doubles exactly', () => {
    assert.equal(integerNumberToDecimal(-(2 ** 63), true), '-9223372036854775808');
    assert.equal(integerNumberToDecimal(2 ** 63, true), null);
    assert.equal(integerNumberToDecimal(2 ** 63, false), '9223372036854775808');
    assert.equal(integerNumberToDecimal(2 ** 53 + 2, true), '9007199254740994');
    assert.equal(integerNumberToDecimal(-0, true), '0');
    assert.equal(integerNumberToDecimal(1.5, true), null);
    assert.equal(integerNumberToDecimal(-1, false), null);
  });
});
