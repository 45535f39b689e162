import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCommit } from '../../src/alerting/groupCommit';

/** A store write that finishes when the test says so. */
function manualStore() {
  const inserts: { rows: number[]; done: () => void; fail: (err: Error) => void }[] = [];
  const write = (rows: number[]) =>
    new Promise<void>((done, fail) => {
      inserts.push({ rows, done, fail });
    });
  return { inserts, write };
}

test('writes that arrive during an insert go to the store together, each acknowledged only when written', async () => {
  const store = manualStore();
  const commit = new GroupCommit(store.write);
  const acknowledged: string[] = [];
  const a = commit.write([1]).then(() => acknowledged.push('a'));
  const b = commit.write([2, 3]).then(() => acknowledged.push('b'));
  const c = commit.write([4]).then(() => acknowledged.push('c'));
  assert.deepEqual(
    store.inserts.map((i) => i.rows),
    [[1]],
  );
  store.inserts[0]!.done();
  await a;
  assert.deepEqual(acknowledged, ['a'], 'b and c are not written yet');
  assert.deepEqual(
    store.inserts.map((i) => i.rows),
    [[1], [2, 3, 4]],
  );
  store.inserts[1]!.done();
  await Promise.all([b, c]);
  assert.deepEqual(acknowledged, ['a', 'b', 'c']);
  await commit.write([]);
  assert.equal(store.inserts.length, 2, 'nothing to write, no insert');
});

test('a failed insert fails exactly its callers; the next batch is written', async () => {
  const store = manualStore();
  const commit = new GroupCommit(store.write);
  const first = commit.write([1]);
  const second = commit.write([2]);
  const third = commit.write([3]);
  store.inserts[0]!.done();
  await first;
  store.inserts[1]!.fail(new Error('disk full'));
  await assert.rejects(second, /disk full/);
  await assert.rejects(third, /disk full/);
  const fourth = commit.write([4]);
  assert.deepEqual(store.inserts.at(-1)!.rows, [4]);
  store.inserts.at(-1)!.done();
  await fourth;
});
