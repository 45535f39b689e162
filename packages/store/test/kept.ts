import type { Sql } from '../src/index';
import { spanColumns } from '../src/schema/columns';

/**
 * Copies spans of the recent window into the kept table, as the sampling decision will.
 * Tests use it until the sampling processor lands; `traceIds` limits the copy.
 */
export async function keepTraces(sql: Sql, traceIds?: string[]): Promise<void> {
  const cols = [...spanColumns.map((c) => `\`${c.name}\``), 'IngestTime'].join(', ');
  const where = traceIds ? 'WHERE TraceId IN {ids:Array(String)}' : '';
  await sql.command(`INSERT INTO spans (${cols}) SELECT ${cols} FROM spans_recent ${where}`, { ids: traceIds ?? [] });
}
