// RowBinary results (Sql.queryRowBinary) read back by RowBinaryReader: the values ClickHouse
// itself wrote, for every type the reader knows, including the repeated strings it shares.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { RowBinaryReader, Store } from '../../src/index';
import { storeOptions, tempDir } from '../fixtures';

describe('RowBinary results', () => {
  const dir = tempDir();
  let store: Store;
  before(async () => {
    store = await Store.open(storeOptions(dir));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const texts = ['', 'checkout', 'héllo wörld', '🙂 emoji', 'x'.repeat(64), 'é'.repeat(40), 'y'.repeat(300)];
  const ints = ['0', '1', '-1', '4294967295', '4294967296', '-4294967297', '9007199254740991', '-9007199254740991'];

  test('strings, repeated strings, Int64, UInt8, arrays and maps come back as ClickHouse wrote them', async () => {
    // Every text three times, so repeated() meets each one again (and long ones are not cached).
    const bytes = await store.sql.queryRowBinary(
      `SELECT t, t, toInt64(i), toUInt8(n % 256), arrayMap(k -> concat(t, toString(k)), range(n % 3)),
  mapFromArrays(arrayMap(k -> concat('key', toString(k % 2)), range(n % 4)), arrayMap(k -> t, range(n % 4)))
FROM (SELECT number AS n, {texts:Array(String)}[1 + number % length({texts:Array(String)})] AS t,
             {ints:Array(String)}[1 + number % length({ints:Array(String)})] AS i
      FROM numbers(3 * length({texts:Array(String)})))
ORDER BY n`,
      { texts, ints },
    );
    const r = new RowBinaryReader(bytes);
    const firstSeen = new Map<string, string>();
    for (let n = 0; n < 3 * texts.length; n++) {
      const t = texts[n % texts.length]!;
      assert.equal(r.string(), t);
      const repeated = r.repeated();
      assert.equal(repeated, t);
      // The same string object the first time it was read, for values short enough to remember.
      if (firstSeen.has(t) && Buffer.byteLength(t) <= 64) assert.ok(Object.is(firstSeen.get(t), repeated));
      firstSeen.set(t, firstSeen.get(t) ?? repeated);
      assert.equal(r.i64(), Number(ints[n % ints.length]));
      assert.equal(r.u8(), n % 256);
      assert.deepEqual(
        r.strings(),
        Array.from({ length: n % 3 }, (_, k) => `${t}${k}`),
      );
      const entries = Array.from({ length: n % 4 }, (_, k) => [`key${k % 2}`, t] as const);
      assert.deepEqual(r.repeatedMap(), Object.fromEntries(entries));
    }
    assert.ok(r.done);
  });

  test('a truncated result throws instead of reading past its end', async () => {
    const bytes = await store.sql.queryRowBinary(`SELECT 'a longer string value', toInt64(7)`);
    for (let cut = 1; cut < bytes.length; cut++) {
      const r = new RowBinaryReader(bytes.subarray(0, cut));
      assert.throws(() => {
        r.string();
        r.i64();
      }, /truncated RowBinary result/);
    }
  });

  test('a result over its row limit fails as a query limit, not with part of the rows', async () => {
    await assert.rejects(
      store.sql.queryRowBinary('SELECT number FROM numbers(100)', {}, { maxRows: 10 }),
      (err: Error) => err.name === 'QueryLimitError',
    );
  });
});
