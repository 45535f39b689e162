import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Store } from '../../src/index';
import { spanColumns } from '../../src/schema/columns';
import { relayoutTable, withOrderBy } from '../../src/schema/relayout';
import { createTableSql, spans, spansOrderBy, tenantMigrationSql } from '../../src/schema/tables';
import { bareSpan, hex, storeOptions, tempDir } from '../fixtures';

const DAY_NS = 86_400_000_000_000n;
const NEW_KEY = spansOrderBy.slice(1, -1);

async function sortingKey(store: Store, table: string): Promise<string | undefined> {
  const rows = await store.sql.query<{ k: string }>(
    'SELECT sorting_key AS k FROM system.tables WHERE database = currentDatabase() AND name = {t:String}',
    { t: table },
  );
  return rows[0]?.k;
}

async function tableNames(store: Store, prefix: string): Promise<string[]> {
  const rows = await store.sql.query<{ name: string }>(
    'SELECT name FROM system.tables WHERE database = currentDatabase() AND startsWith(name, {p:String}) ORDER BY name',
    { p: prefix },
  );
  return rows.map((r) => r.name);
}

test('migration 8 re-sorts a kept table of the old layout and keeps every span', async () => {
  const dir = tempDir();
  const now = BigInt(Date.now()) * 1_000_000n;
  const traceId = hex(16);
  // Two days, so two partitions are carried over.
  const written = [0n, 1n, 2n].map((i) =>
    bareSpan({ TraceId: traceId, SpanId: hex(8), Timestamp: String(now - DAY_NS + i * 1_000_000n) }),
  );
  const other = bareSpan({ TraceId: hex(16), SpanId: hex(8), Timestamp: String(now) });
  let store = await Store.open(storeOptions(dir));
  try {
    assert.equal(await sortingKey(store, 'spans'), NEW_KEY);
    // A database as migration 7 left it: `spans` in the old layout with the tenant column added
    // by migration 7, holding kept spans of two tenants.
    await store.sql.command('DROP TABLE spans');
    await store.sql.command(createTableSql(spans));
    for (const statement of tenantMigrationSql.filter((t) => t.startsWith('ALTER TABLE spans '))) {
      await store.sql.command(statement);
    }
    assert.equal(await sortingKey(store, 'spans'), 'ServiceName, SpanName, toDateTime(Timestamp)');
    await store.sql.command('ALTER TABLE schema_migrations DELETE WHERE version = 8 SETTINGS mutations_sync = 1');
    await store.writeSpans(written);
    await store.writeSpans([other], 'acme');
    await store.close();
    store = await Store.open(storeOptions(dir));
    const cols = [...spanColumns.map((c) => `\`${c.name}\``), 'IngestTime', 'Tenant'].join(', ');
    await store.sql.command(`INSERT INTO spans (${cols}) SELECT ${cols} FROM spans_recent`);
  } finally {
    await store.close();
  }
  store = await Store.open(storeOptions(dir));
  try {
    assert.equal(await sortingKey(store, 'spans'), NEW_KEY);
    const rows = await store.sql.query<{ SpanId: string; Tenant: string }>(
      'SELECT SpanId, Tenant FROM spans ORDER BY SpanId',
    );
    assert.deepEqual(
      rows,
      [...written.map((s) => ({ SpanId: s.SpanId, Tenant: '' })), { SpanId: other.SpanId, Tenant: 'acme' }].sort(
        (a, b) => (a.SpanId < b.SpanId ? -1 : 1),
      ),
    );
    assert.deepEqual(await tableNames(store, 'spans_'), ['spans_recent']);
    const trace = await store.getTrace(traceId, 'default');
    assert.equal(trace.length, 3);
  } finally {
    await store.close();
  }
});

test('a relayout interrupted at any step finishes on the next run with the same rows', async () => {
  const store = await Store.open(storeOptions(tempDir()));
  const sql = store.sql;
  const ddl = (name: string) => `CREATE TABLE ${name} (T DateTime, Id String, V UInt32)
ENGINE = MergeTree PARTITION BY toDate(T) ORDER BY (Id, T) SETTINGS index_granularity = 2`;
  const fill = (name: string) =>
    sql.command(
      `INSERT INTO ${name} SELECT toDateTime('2026-01-01 00:00:00') + number * 3600 * 7, toString(number % 5), number FROM numbers(20)`,
    );
  const contents = async (name: string) =>
    (await sql.query<{ s: string }>(`SELECT toString(groupArraySorted(100)(V)) AS s FROM ${name}`))[0]!.s;
  const newKey = '(toStartOfHour(T), Id)';
  try {
    await sql.command(ddl('demo'));
    await fill('demo');
    const expected = await contents('demo');

    // Interrupted while copying: one partition copied twice over, the copy holds extra rows.
    await sql.command(withOrderBy(ddl('demo'), 'demo', 'demo_relayout', newKey));
    await fill('demo_relayout');
    await relayoutTable(sql, 'demo', newKey);
    assert.equal(await sortingKey(store, 'demo'), 'toStartOfHour(T), Id');
    assert.equal(await contents('demo'), expected);
    assert.deepEqual(await tableNames(store, 'demo'), ['demo']);

    // Done already: nothing happens.
    await relayoutTable(sql, 'demo', newKey);
    assert.equal(await contents('demo'), expected);

    // Interrupted between the two renames: the old table moved away, the copy not in place yet.
    await sql.command('RENAME TABLE demo TO demo_relayout');
    await sql.command(ddl('demo_previous'));
    await relayoutTable(sql, 'demo', newKey);
    assert.equal(await contents('demo'), expected);
    assert.deepEqual(await tableNames(store, 'demo'), ['demo']);
  } finally {
    await store.close();
  }
});
