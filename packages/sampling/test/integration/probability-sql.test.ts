import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Store } from '@tracehouse/store';
import { hex, storeOptions, tempDir } from '../../../store/test/fixtures';
import { isKeptAt, keptAtSql, randomnessOf, thresholdFor, traceRandomnessSql } from '../../src/index';

test('the SQL trace randomness equals the TypeScript one', async () => {
  const store = await Store.open(storeOptions(tempDir()));
  try {
    const ids = ['0123456789abcdef00ffffffffffffff', 'ffffffffffffffffff00000000000001', hex(16), hex(16)];
    const threshold = thresholdFor(50);
    const rows = await store.sql.query<{ r: string; k: number }>(
      `SELECT toString(${traceRandomnessSql('id')}) AS r, ${keptAtSql(threshold, 'id')} AS k FROM (SELECT arrayJoin({ids:Array(String)}) AS id)`,
      { ids },
    );
    assert.deepEqual(
      rows.map((r) => [r.r, Number(r.k) === 1]),
      ids.map((id) => [randomnessOf(id).toString(), isKeptAt(id, threshold)]),
    );
  } finally {
    await store.close();
  }
});
