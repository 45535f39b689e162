import type { Sql } from '../client';

/** A processor's watermark (Unix ms), or null when it never ran on this database. */
export async function readWatermark(sql: Sql, name: string): Promise<number | null> {
  const rows = await sql.query<{ ms: number | string }>(
    `SELECT toUnixTimestamp64Milli(argMax(Watermark, UpdatedAt)) AS ms FROM processor_state
WHERE Name = {name:String} HAVING count() > 0`,
    { name },
  );
  return rows.length ? Number(rows[0]!.ms) : null;
}

/** The database's clock (Unix ms): IngestTime is stamped by it, not by Node's. */
export async function databaseNowMs(sql: Sql): Promise<number> {
  const rows = await sql.query<{ ms: number | string }>('SELECT toUnixTimestamp64Milli(now64(3)) AS ms');
  return Number(rows[0]!.ms);
}

export async function writeWatermark(sql: Sql, name: string, ms: number): Promise<void> {
  await sql.command(
    `INSERT INTO processor_state (Name, Watermark, UpdatedAt)
VALUES ({name:String}, fromUnixTimestamp64Milli({ms:Int64}), now64(3))`,
    { name, ms },
  );
}
