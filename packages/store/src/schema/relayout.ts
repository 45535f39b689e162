import type { Sql } from '../client';

/**
 * Changes the sorting key of an existing MergeTree table, which ClickHouse cannot ALTER:
 * a copy `<table>_relayout` is created from the table's own DDL with the new ORDER BY (so
 * columns, indexes, TTL and settings added by other migrations come along), filled one
 * partition at a time, then renamed into place and the old table dropped.
 *
 * Every step can be interrupted and re-run: a partition is emptied in the copy before it is
 * copied, and the state (which tables exist, which sorting key `table` has) says what is left
 * to do. Nothing may write to the table meanwhile (migrations run before writers start).
 */
export async function relayoutTable(sql: Sql, table: string, orderBy: string): Promise<void> {
  await rebuildTable(sql, table, {
    done: (t) => normalizeKey(t.sorting_key) === normalizeKey(orderBy),
    ddl: (createTableQuery, name) => withOrderBy(createTableQuery, table, name, orderBy),
  });
}

/** A table as system.tables describes it. */
export interface TableState {
  sorting_key: string;
  engine_full: string;
  create_table_query: string;
}

/** What a rebuild changes: whether `table` already has it, and the DDL of the copy that has it. */
export interface TableChange {
  done: (table: TableState) => boolean;
  ddl: (createTableQuery: string, name: string) => string;
}

/**
 * Rebuilds `table` as a copy with a change DDL cannot ALTER (its sorting key, its index
 * granularity), the same way as relayoutTable: copy `<table>_relayout`, filled partition by
 * partition, renamed into place; interruptible and re-runnable at every step.
 */
export async function rebuildTable(sql: Sql, table: string, change: TableChange): Promise<void> {
  const copy = `${table}_relayout`;
  const old = `${table}_previous`;
  const tables = new Map(
    (
      await sql.query<TableState & { name: string }>(
        `SELECT name, sorting_key, engine_full, create_table_query FROM system.tables
WHERE database = currentDatabase() AND name IN {names:Array(String)}`,
        { names: [table, copy, old] },
      )
    ).map((t) => [t.name, t]),
  );
  const current = tables.get(table);
  if (!current) {
    // Interrupted between the two renames: the copy is complete, put it in place.
    if (!tables.has(copy)) throw new Error(`relayout of ${table}: neither ${table} nor ${copy} exists`);
    await sql.command(`RENAME TABLE ${copy} TO ${table}`);
  } else if (!change.done(current)) {
    if (!tables.has(copy)) await sql.command(change.ddl(current.create_table_query, copy));
    const partitions = await sql.query<{ id: string }>(
      `SELECT DISTINCT partition_id AS id FROM system.parts
WHERE database = currentDatabase() AND table = {table:String} AND active ORDER BY id`,
      { table },
    );
    for (const { id } of partitions) {
      // Partition ids come from system.parts (digits, hex, '-', '_'); checked, not trusted.
      if (!/^[0-9A-Za-z_-]+$/.test(id)) throw new Error(`relayout of ${table}: unexpected partition id ${id}`);
      await sql.command(`ALTER TABLE ${copy} DROP PARTITION ID '${id}'`);
      await sql.command(`INSERT INTO ${copy} SELECT * FROM ${table} WHERE _partition_id = {id:String}`, { id });
    }
    await sql.command(`RENAME TABLE ${table} TO ${old}`);
    await sql.command(`RENAME TABLE ${copy} TO ${table}`);
  }
  for (const t of [old, copy]) await dropTable(sql, t);
}

/**
 * A server refuses to drop a table over 50 GB unless told to (max_table_size_to_drop, a query
 * setting in recent versions); a server that does not know the setting drops without it.
 */
async function dropTable(sql: Sql, table: string): Promise<void> {
  try {
    await sql.command(`DROP TABLE IF EXISTS ${table} SETTINGS max_table_size_to_drop = 0`);
  } catch (err) {
    if (String((err as { code?: unknown }).code) !== '115') throw err; // UNKNOWN_SETTING
    await sql.command(`DROP TABLE IF EXISTS ${table}`);
  }
}

/** `(a, b)` and `a, b` (system.tables.sorting_key) name the same key. */
function normalizeKey(key: string): string {
  const k = key.replace(/\s+/g, '');
  return k.startsWith('(') && k.endsWith(')') ? k.slice(1, -1) : k;
}

/** The DDL of `table` (system.tables.create_table_query) for a table `name` sorted by `orderBy`. */
export function withOrderBy(createTableQuery: string, table: string, name: string, orderBy: string): string {
  const renamed = copyDdl(createTableQuery, table, name);
  // ORDER BY runs up to the next clause of the engine definition (or the end).
  const order = / ORDER BY .*?(?= (?:PRIMARY KEY|SAMPLE BY|TTL|SETTINGS|COMMENT) |$)/s;
  if (!order.test(createTableQuery) || / PRIMARY KEY /.test(createTableQuery.replace(/`[^`]*`/g, ''))) {
    throw new Error(`relayout of ${table}: cannot find its ORDER BY in ${createTableQuery}`);
  }
  return renamed.replace(order, ` ORDER BY ${orderBy}`);
}

/** The DDL of `table` (system.tables.create_table_query) creating the same table named `name`. */
export function copyDdl(createTableQuery: string, table: string, name: string): string {
  const head = new RegExp(`^CREATE TABLE ((?:\\S+\\.)?)\`?${table}\`? `);
  if (!head.test(createTableQuery)) throw new Error(`relayout of ${table}: unexpected DDL ${createTableQuery}`);
  return createTableQuery.replace(head, (_, db: string) => `CREATE TABLE IF NOT EXISTS ${db}${name} `);
}
