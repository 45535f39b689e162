import type { SpanRecord } from '@tracehouse/otlp';
import type { Sql } from '../client';
import { rowFixer, selectList } from '../read/rows';
import { spanColumns } from '../schema/columns';

/** A kept span and the tenant key it was ingested under ('' = the default tenant). */
export type KeptSpan = SpanRecord & { Tenant: string };

/**
 * Kept spans copied into `spans` in the IngestTime window (from, to] (ns), as stored: with
 * `ot=th` and `sampling.adjusted_count`. Gateway mode exports them downstream; the minmax
 * index on spans.IngestTime keeps the read to the parts written in the window.
 */
export async function keptSpansBetween(sql: Sql, fromNs: bigint, toNs: bigint, maxRows: number): Promise<KeptSpan[]> {
  const rows = await sql.query<KeptSpan>(
    `SELECT ${selectList(spanColumns)}, Tenant FROM spans
WHERE IngestTime > fromUnixTimestamp64Nano({from:Int64}) AND IngestTime <= fromUnixTimestamp64Nano({to:Int64})
LIMIT {max:UInt32}`,
    { from: fromNs.toString(), to: toNs.toString(), max: maxRows },
    { maxRows },
  );
  const fix = rowFixer(spanColumns);
  for (const r of rows) fix(r as unknown as Record<string, unknown>);
  return rows;
}

/** The database clock, ms since the epoch (IngestTime comes from it). */
export async function databaseNowMs(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ t: string }>('SELECT toString(toUnixTimestamp64Milli(now64(3))) AS t');
  return Number(row!.t);
}
