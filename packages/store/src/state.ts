import type { Sql } from '../client';

/** Processor watermarks by name, as ns since the epoch. */
export type Watermarks = Record<string, bigint>;

/**
 * Watermarks only move forward, so the newest is the largest: reading max() needs no
 * FINAL and is right even before the ReplacingMergeTree folds the rows.
 */
export async function readWatermarks(sql: Sql, names: readonly string[]): Promise<Watermarks> {
  const rows = await sql.query<{ Name: string; w: string }>(
    `SELECT Name, toString(max(toUnixTimestamp64Nano(Watermark))) AS w FROM processor_state
WHERE Name IN {names:Array(String)} GROUP BY Name`,
    { names },
  );
  return Object.fromEntries(rows.map((r) => [r.Name, BigInt(r.w)]));
}

export async function writeWatermarks(sql: Sql, wm: Watermarks, names: readonly string[]): Promise<void> {
  const body = names
    .filter((n) => wm[n] !== undefined)
    .map((n) => `{"Name":${JSON.stringify(n)},"Watermark":${wm[n]}}`)
    .join('\n');
  if (body) await sql.insertJsonEachRow('processor_state', body);
}
