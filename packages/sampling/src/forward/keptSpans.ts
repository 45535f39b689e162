import type { SpanRecord } from '@tracehouse/otlp';
import { rowFixer, type Store, selectList, spanColumns } from '@tracehouse/store';

/** A kept span and the tenant key it was ingested under ('' = the default tenant). */
export type KeptSpan = SpanRecord & { Tenant: string };

/**
 * Kept spans copied into `spans` in the IngestTime window (from, to] (ns), as stored: with
 * `ot=th` and `sampling.adjusted_count`. Gateway mode exports them downstream; the minmax
 * index on spans.IngestTime keeps the read to the parts written in the window.
 */
export async function keptSpansBetween(
  store: Store,
  fromNs: bigint,
  toNs: bigint,
  maxRows: number,
): Promise<KeptSpan[]> {
  const rows = await store.sql.query<KeptSpan>(
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
