import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TENANT, Store } from '../../src/index';
import { bareType, spanColumns } from '../../src/schema/columns';
import { regranulate, SPAN_METRICS_INDEX_GRANULARITY } from '../../src/schema/granularity';
import { recentPlainStringsSql } from '../../src/schema/recentLayout';
import { hex, span, storeOptions, tempDir } from '../fixtures';

const engine = async (store: Store) =>
  (
    await store.sql.query<{ e: string }>(
      "SELECT engine_full AS e FROM system.tables WHERE database = currentDatabase() AND name = 'span_metrics'",
    )
  )[0]!.e;

const everyRow = (store: Store) =>
  store.sql.query(
    'SELECT * EXCEPT (LatencySum), toString(LatencySum) AS s FROM span_metrics ORDER BY WindowStart, SeriesKey, Tenant',
  );

test('migration 17 stores span_metrics in granules of 256 rows; a rebuild keeps every row, its tenant and its settings', async () => {
  const store = await Store.open(storeOptions(tempDir()));
  try {
    assert.match(await engine(store), new RegExp(`index_granularity = ${SPAN_METRICS_INDEX_GRANULARITY}\\b`));
    // Three days of two tenants' rows (three partitions), as the span-metrics processor writes them.
    await store.sql.command(`INSERT INTO span_metrics (Tenant, WindowStart, WindowEnd, SeriesKey, ServiceName, SpanName,
  SpanKind, StatusCode, Overflow, Calls, LatencySum, LatencyBuckets)
SELECT if(number % 3 = 0, 'acme', ''), now64(3) - toIntervalSecond(number * 97), now64(3) - toIntervalSecond(number * 97 - 15),
  toString(number % 13), concat('svc-', toString(number % 5)), 'GET', 'Server', 'Unset', false, number, number / 7, [number, 1, 2]
FROM numbers(8000)`);
    // As retention leaves it (DerivedStore.applyRetention).
    await store.sql.command('ALTER TABLE span_metrics MODIFY TTL toDateTime(WindowStart) + toIntervalSecond(2592000)');
    const before = await everyRow(store);

    await regranulate(store.sql, 'span_metrics', 64);
    assert.match(await engine(store), /index_granularity = 64\b/);
    assert.match(
      await engine(store),
      /TTL toDateTime\(WindowStart\) \+ toIntervalSecond\(2592000\)/,
      'the TTL is kept',
    );
    assert.deepEqual(await everyRow(store), before);
    // Done already: a re-run changes nothing and leaves no copy behind.
    await regranulate(store.sql, 'span_metrics', 64);
    const left = await store.sql.query<{ name: string }>(
      "SELECT name FROM system.tables WHERE database = currentDatabase() AND startsWith(name, 'span_metrics') ORDER BY name",
    );
    assert.deepEqual(
      left.map((t) => t.name),
      ['span_metrics', 'span_metrics_hourly'],
      'no copy left behind (the hourly sums are migration 21)',
    );
    assert.deepEqual(await everyRow(store), before);
  } finally {
    await store.close();
  }
});

test('migrations 12 and 20: spans_recent and logs merge with a fan-in of 50, and their rows stay readable', async () => {
  const store = await Store.open(storeOptions(tempDir()));
  try {
    const settings = async (table: string) =>
      (
        await store.sql.query<{ e: string }>(
          'SELECT engine_full AS e FROM system.tables WHERE database = currentDatabase() AND name = {table:String}',
          { table },
        )
      )[0]!.e;
    assert.match(await settings('spans_recent'), /merge_selector_base = 50\b/);
    assert.match(await settings('logs'), /merge_selector_base = 50\b/);
    assert.doesNotMatch(await settings('spans'), /merge_selector_base/, 'long-lived span storage merges as before');
    // Twenty inserts, then every part merged: every record is still there.
    for (let i = 0; i < 20; i++)
      await store.sql.command(
        `INSERT INTO logs (Timestamp, ObservedTimestamp, ServiceName, Body) SELECT now64(9), now64(9), 'svc', concat('line ', toString(number)) FROM numbers(${i * 10}, 10)`,
      );
    await store.sql.command('OPTIMIZE TABLE logs FINAL');
    const [n] = await store.sql.query<{ n: string; d: string }>('SELECT count() AS n, uniqExact(Body) AS d FROM logs');
    assert.deepEqual([Number(n!.n), Number(n!.d)], [200, 200]);
  } finally {
    await store.close();
  }
});

test('migration 26: spans_recent keeps plain strings, and the spans written before read back the same', async () => {
  const store = await Store.open(storeOptions(tempDir()));
  try {
    const types = async () =>
      (
        await store.sql.query<{ type: string }>(
          "SELECT type FROM system.columns WHERE database = currentDatabase() AND table = 'spans_recent' AND name != 'Tenant'",
        )
      ).map((c) => c.type);
    assert.ok(!(await types()).some((t) => t.includes('LowCardinality')), 'a new store has no LowCardinality column');

    // A store from before the migration: its columns as they were, spans written with them.
    const lowCardinality = spanColumns.filter((c) => c.type.includes('LowCardinality'));
    await store.sql.command(
      `ALTER TABLE spans_recent ${lowCardinality.map((c) => `MODIFY COLUMN \`${c.name}\` ${bareType(c.type)}`).join(', ')}`,
    );
    assert.equal((await types()).filter((t) => t.includes('LowCardinality')).length, lowCardinality.length);
    const traceId = hex(16);
    await store.writeSpans([span(traceId), span(traceId, { ParentSpanId: hex(8), SpanKind: 'Client' })]);
    await store.writeSpans([span(hex(16), { ScopeAttributes: { 'scope.k': 'v' }, ScopeAttributeTypes: {} })]);
    const everySpan = () => store.sql.query('SELECT * EXCEPT Tenant FROM spans_recent ORDER BY TraceId, SpanId');
    const before = await everySpan();
    const trace = await store.getTrace(traceId, DEFAULT_TENANT);

    await store.sql.command(recentPlainStringsSql);
    // The parts written before are rewritten by a background mutation: wait for it, to read them converted.
    for (let i = 0; i < 200; i++) {
      const [left] = await store.sql.query<{ n: string }>(
        "SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND table = 'spans_recent' AND NOT is_done",
      );
      if (Number(left!.n) === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(!(await types()).some((t) => t.includes('LowCardinality')));
    assert.deepEqual(await everySpan(), before);
    assert.deepEqual(await store.getTrace(traceId, DEFAULT_TENANT), trace);
  } finally {
    await store.close();
  }
});
