import type { Sql } from '../client';
import { bareType, plainType, spanColumns } from './columns';

/**
 * Migration 12: cheaper storage work for `spans_recent`, the table every span lands in and
 * that expires within the hour (figures in docs/performance.md, bench:ingest):
 * - LZ4 instead of ZSTD(1) on every column: ~1.5x the bytes of a short-lived table for less
 *   CPU in every insert and every merge;
 * - a wider merge fan-in (merge_selector_base 50, ClickHouse's default 5): a row is merged
 *   about two times before it expires instead of about five, at the price of more parts
 *   (tens per 15-minute partition, far from the insert limits).
 * Changing a codec is a metadata change; parts written before keep theirs until merged.
 */
export const recentCodecSql = `ALTER TABLE spans_recent ${[
  ...spanColumns.map((c) => `MODIFY COLUMN \`${c.name}\` ${bareType(c.type)} ${lz4(c.type)}`),
  'MODIFY COLUMN IngestTime DateTime64(3) DEFAULT now64(3) CODEC(Delta(8), LZ4)',
].join(', ')}`;

/**
 * Migration 26: spans_recent keeps its strings and maps without `LowCardinality`. Dictionaries
 * pay off in a table read for weeks; in one that every span lands in and that expires within
 * the hour, its merges cost more than the bytes they save: merges ~11.5 -> ~7.5 us a span
 * without them, 68 -> 87 bytes a span for that hour (bench:ingest-layout, docs/performance.md
 * session 16). Readers see the same values. Parts written before are converted by a
 * background mutation and read as the new type meanwhile.
 */
export const recentPlainStringsSql = `ALTER TABLE spans_recent ${spanColumns
  .filter((c) => c.type.includes('LowCardinality'))
  .map((c) => `MODIFY COLUMN \`${c.name}\` ${plainType(c.type)} ${lz4(c.type)}`)
  .join(', ')}`;

function lz4(type: string): string {
  return type.includes('CODEC(Delta')
    ? 'CODEC(Delta(8), LZ4)'
    : type.includes('CODEC(T64')
      ? 'CODEC(T64, LZ4)'
      : 'CODEC(LZ4)';
}

export const RECENT_MERGE_SELECTOR_BASE = 50;

/** spans_recent's merge fan-in (see above). */
export const widenRecentMerges = (sql: Sql) => widenMerges(sql, 'spans_recent', RECENT_MERGE_SELECTOR_BASE);

/**
 * Sets a table's merge fan-in (`merge_selector_base`, ClickHouse's default 5), where the engine
 * has the setting (ClickHouse 25+; older servers merge as before).
 */
export async function widenMerges(sql: Sql, table: string, base: number): Promise<void> {
  const [known] = await sql.query<{ n: string }>(
    "SELECT count() AS n FROM system.merge_tree_settings WHERE name = 'merge_selector_base'",
  );
  if (Number(known?.n ?? 0) === 0) return;
  await sql.command(`ALTER TABLE ${table} MODIFY SETTING merge_selector_base = ${base}`);
}
