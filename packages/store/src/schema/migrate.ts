import type { Sql } from '../client';
import { migrations, migrationsTableSql } from './migrations';

/** Applies the migrations this database has not seen yet, in order. */
export async function migrate(sql: Sql): Promise<number[]> {
  await sql.command(migrationsTableSql);
  const done = new Set(
    (await sql.query<{ version: number }>('SELECT DISTINCT version FROM schema_migrations')).map((r) =>
      Number(r.version),
    ),
  );
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements) await sql.command(statement);
    if (m.run) await m.run(sql);
    await sql.command('INSERT INTO schema_migrations (version, name) VALUES ({version:UInt32}, {name:String})', {
      version: m.version,
      name: m.name,
    });
    applied.push(m.version);
  }
  return applied;
}
