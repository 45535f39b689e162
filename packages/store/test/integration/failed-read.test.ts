// A read that fails after ClickHouse began writing its result (over its row limit, an error in
// a later block) leaves nothing behind: embedded chDB hands the rows it had written to the
// connection's next statement as the start of its result, which would show one request's
// rows (another tenant's, perhaps) in the next request's answer.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { QueryLimitError, Store } from '../../src/index';
import { storeOptions, tempDir } from '../fixtures';

describe('a read that fails part way', () => {
  const dir = tempDir();
  let store: Store;
  before(async () => {
    store = await Store.open(storeOptions(dir));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Many blocks of rows before the failure (a block is written as soon as it is ready). */
  const ROWS = 'SELECT number AS leaked, range(100) AS padding FROM numbers(24000) SETTINGS max_block_size = 1000';
  const next = async (tag: string) =>
    assert.deepEqual(await store.sql.query('SELECT {tag:String} AS tag', { tag }), [{ tag }]);

  test('over its row limit, in each result format: the next reads get their own rows only', async () => {
    const reads = {
      json: () => store.sql.query(ROWS, {}, { maxRows: 23_400 }),
      compact: () => store.sql.queryCompact(ROWS, {}, { maxRows: 23_400 }),
      native: () => store.sql.queryNative(ROWS, {}, { maxRows: 23_400 }),
      rowBinary: () => store.sql.queryRowBinary(ROWS, {}, { maxRows: 23_400 }),
    };
    for (const [format, read] of Object.entries(reads)) {
      await assert.rejects(read(), QueryLimitError, format);
      await next(`after ${format}`);
      await next(`again after ${format}`);
    }
  });

  test('on an error in a later block, with reads waiting behind it', async () => {
    const failing = store.sql.queryNative(
      'SELECT number AS leaked, throwIf(number = 20000) FROM numbers(24000) SETTINGS max_block_size = 1000',
    );
    const waiting = [next('first behind'), next('second behind')];
    await assert.rejects(failing, /throwIf/);
    await Promise.all(waiting);
  });
});
