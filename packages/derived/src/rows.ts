import type { Sql } from '@tracehouse/store';

/**
 * Inserts derived rows (column name -> value) through the store's row format (one JSON array
 * per row, in column order); bigints (ns times) become bare integers, DateTime64 ticks.
 */
export async function insertObjects(sql: Sql, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const body = rows
    .map((r) =>
      JSON.stringify(
        columns.map((c) => r[c]),
        (_k, v) => (typeof v === 'bigint' ? `@@${v}@@` : v),
      ).replace(/"@@(-?\d+)@@"/g, '$1'),
    )
    .join('\n');
  await sql.insertRows(table, columns, body);
}

export interface StoredExemplar {
  bucket: number;
  traceId: string;
  spanId: string;
  /** Seconds. */
  value: number;
  timeUnixNano: string;
}

export function exemplarColumns(exemplars: readonly StoredExemplar[]): Record<string, unknown> {
  return {
    'Exemplars.Bucket': exemplars.map((e) => e.bucket),
    'Exemplars.TraceId': exemplars.map((e) => e.traceId),
    'Exemplars.SpanId': exemplars.map((e) => e.spanId),
    'Exemplars.Value': exemplars.map((e) => e.value),
    'Exemplars.TimeUnix': exemplars.map((e) => BigInt(e.timeUnixNano)),
  };
}

export const EXEMPLAR_SELECT = `\`Exemplars.Bucket\` AS exBucket, \`Exemplars.TraceId\` AS exTraceId,
  \`Exemplars.SpanId\` AS exSpanId, \`Exemplars.Value\` AS exValue,
  arrayMap(t -> toString(toUnixTimestamp64Nano(t)), \`Exemplars.TimeUnix\`) AS exTime`;

export interface ExemplarCells {
  exBucket: number[];
  exTraceId: string[];
  exSpanId: string[];
  exValue: number[];
  exTime: string[];
}

export function exemplarsOf(r: ExemplarCells): StoredExemplar[] {
  return r.exBucket.map((bucket, i) => ({
    bucket: Number(bucket),
    traceId: r.exTraceId[i]!,
    spanId: r.exSpanId[i]!,
    value: Number(r.exValue[i]),
    timeUnixNano: r.exTime[i]!,
  }));
}

/** Query parameters without the absent ones (the client refuses undefined values). */
export function defined(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}
