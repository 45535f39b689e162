import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { Store } from '../../src/index';
import { createRecentTraces } from '../../src/schema/recentTraces';
import { traceIndexSql } from '../../src/schema/tables';
import { hex, span, storeOptions, tempDir } from '../fixtures';

const spanCounts = async (store: Store, table: string, traceId: string) =>
  Number(
    (
      await store.sql.query<{ n: string }>(`SELECT sum(SpanCount) AS n FROM ${table} WHERE TraceId = {t:String}`, {
        t: traceId,
      })
    )[0]!.n,
  );
const decisionRows = async (store: Store, table: string, traceId: string) =>
  Number(
    (
      await store.sql.query<{ n: string }>(`SELECT count() AS n FROM ${table} WHERE TraceId = {t:String}`, {
        t: traceId,
      })
    )[0]!.n,
  );

test('migration 19 upgrades a store: the recent traces and decisions are copied once, new ones reach both tables once', async () => {
  const dir = tempDir();
  let store = await Store.open(storeOptions(dir));
  const traceId = hex(16);
  try {
    // The store as migration 18 left it: trace_index fed from spans_recent, no recent tables.
    for (const view of ['recent_decisions_mv', 'recent_traces_mv', 'trace_index_mv'])
      await store.sql.command(`DROP VIEW ${view}`);
    for (const table of ['recent_traces', 'recent_decisions']) await store.sql.command(`DROP TABLE ${table}`);
    await store.sql.command(traceIndexSql[1]!);
    await store.sql.command('ALTER TABLE schema_migrations DELETE WHERE version = 19 SETTINGS mutations_sync = 1');
    await store.writeSpans([span(traceId), span(traceId), span(traceId)]);
    await store.sql.command(
      `INSERT INTO sampling_decisions (TraceId, Decision, Rule, DecidedAt, LastIngest)
VALUES ({t:String}, 'keep', 'errors', now64(9), now64(3))`,
      { t: traceId },
    );
    // A decision of a trace that left spans_recent long ago stays in the long table only.
    await store.sql.command(
      `INSERT INTO sampling_decisions (TraceId, Decision, Rule, DecidedAt, LastIngest)
VALUES ('old', 'drop', 'baseline', now64(9) - toIntervalDay(3), now64(3) - toIntervalDay(3))`,
    );
  } finally {
    await store.close();
  }

  store = await Store.open(storeOptions(dir));
  try {
    assert.equal(await spanCounts(store, 'recent_traces', traceId), 3);
    assert.equal(await spanCounts(store, 'trace_index', traceId), 3);
    assert.equal(await decisionRows(store, 'recent_decisions', traceId), 1);
    assert.equal(await decisionRows(store, 'recent_decisions', 'old'), 0);
    assert.equal(await decisionRows(store, 'sampling_decisions', 'old'), 1);

    // New spans reach both trace tables once; a new decision reaches sampling_decisions.
    await store.writeSpans([span(traceId), span(traceId)]);
    assert.equal(await spanCounts(store, 'recent_traces', traceId), 5);
    assert.equal(await spanCounts(store, 'trace_index', traceId), 5);
    const other = hex(16);
    await store.sql.command(
      `INSERT INTO recent_decisions (TraceId, Decision, Rule, DecidedAt, LastIngest) VALUES ({t:String}, 'drop', 'baseline', now64(9), now64(3))`,
      { t: other },
    );
    assert.equal(await decisionRows(store, 'sampling_decisions', other), 1);
    assert.equal((await store.getTrace(traceId, 'default')).length, 5);

    // Run again (a crash before the migration was recorded): nothing is copied twice.
    await createRecentTraces(store.sql);
    assert.equal(await spanCounts(store, 'recent_traces', traceId), 5);
    assert.equal(await spanCounts(store, 'trace_index', traceId), 5);
    assert.equal(await decisionRows(store, 'recent_decisions', traceId), 1);
    assert.equal(await decisionRows(store, 'sampling_decisions', traceId), 1);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
