import type { RedCell, RedQuery } from '@tracehouse/derived';
import { QueryCache, type QueryCacheStats } from '@tracehouse/store';

/** Steps per cached block: a 1 h range at its default 30 s step is two blocks. */
export const RED_STEPS_PER_BLOCK = 60;

export interface RedCacheOptions {
  /** RED cells (one series at one step) held in all blocks together, at most; 0 turns the cache off. */
  maxCells: number;
  /** A block is served this long at most (ms): retention may delete its intervals, nothing else does. */
  ttlMs: number;
  now?: () => number;
}

/**
 * RED cells of finished intervals, served from memory. The span-metrics processor writes each
 * interval once, before it moves its watermark, and a re-run interval writes the same rows, so
 * steps that end at or before the watermark can no longer change. A request's range is cut
 * into blocks of RED_STEPS_PER_BLOCK steps aligned to the epoch; the finished blocks are cached,
 * and one statement reads from the first block missing to the end of the range (the unfinished
 * steps are always read). A dashboard refreshing "the last hour" then reads the newest block or
 * so instead of the hour, and a range that has ended reads nothing.
 */
export class RedCache {
  private readonly cache: QueryCache<{ cells: RedCell[] }>;
  /** Identical requests in flight share one read (nothing kept: only the blocks are). */
  private readonly requests = new QueryCache<RedCell[]>('red-requests', { maxSize: 1, sizeOf: () => 1, ttlMs: 0 });

  constructor(
    private readonly load: (q: RedQuery) => Promise<RedCell[]>,
    private readonly options: RedCacheOptions,
  ) {
    this.cache = new QueryCache('red', {
      maxSize: Math.max(1, options.maxCells),
      sizeOf: (b) => b.cells.length,
      ttlMs: options.ttlMs,
      now: options.now,
    });
  }

  /**
   * The cells queryRed would return for `q` (startMs a multiple of stepMs), same order. Identical
   * requests in flight at once (a dashboard opened by several people) share one read.
   */
  query(q: RedQuery, computedUntilMs: number | null): Promise<RedCell[]> {
    return this.requests.get(JSON.stringify([q, computedUntilMs]), () => this.read(q, computedUntilMs), {
      keep: () => false,
    });
  }

  private async read(q: RedQuery, computedUntilMs: number | null): Promise<RedCell[]> {
    const blockMs = q.stepMs * RED_STEPS_PER_BLOCK;
    // A step is final once it ends at or before the watermark, and whole inside the range.
    const finishedMs = Math.min(
      floorTo(computedUntilMs ?? Number.NEGATIVE_INFINITY, q.stepMs),
      floorTo(q.endMs, q.stepMs),
    );
    const blocks: number[] = [];
    for (let b = floorTo(q.startMs, blockMs); b + blockMs <= finishedMs; b += blockMs) blocks.push(b);
    if (this.options.maxCells <= 0 || blocks.length === 0) return this.load(q);

    const key = (block: number) =>
      JSON.stringify([q.tenant, q.stepMs, q.bySpanName, q.spanKinds, q.service ?? null, q.spanName ?? null, block]);
    const held = blocks.map((b) => this.cache.peek(key(b))?.cells);
    const firstMissing = held.indexOf(undefined);
    const cachedEnd = blocks.at(-1)! + blockMs;
    // The first block missing is read whole (also before q.startMs), so it can be kept.
    const readFrom = firstMissing === -1 ? cachedEnd : blocks[firstMissing]!;
    const read = readFrom < q.endMs ? await this.load({ ...q, startMs: readFrom }) : [];

    const parts: RedCell[][] = [];
    for (let i = 0; i < blocks.length; i++) {
      let cells = held[i];
      if (cells === undefined) {
        const from = blocks[i]!;
        const block = { cells: read.filter((c) => c.t >= from && c.t < from + blockMs) };
        cells = (await this.cache.get(key(from), async () => block)).cells;
      }
      parts.push(i === 0 ? cells.filter((c) => c.t >= q.startMs) : cells);
    }
    parts.push(read.filter((c) => c.t >= cachedEnd));
    return inQueryOrder(parts);
  }

  stats(): QueryCacheStats {
    const s = this.cache.stats();
    return { ...s, coalesced: s.coalesced + this.requests.stats().coalesced };
  }
}

const floorTo = (ms: number, stepMs: number): number => Math.floor(ms / stepMs) * stepMs;

/**
 * ORDER BY service, name, t of queryRed, from parts each in that order and in step order
 * between them: the series are sorted (few), the cells of each stay in step order.
 */
function inQueryOrder(parts: readonly RedCell[][]): RedCell[] {
  const series = new Map<string, { service: string; name: string; cells: RedCell[] }>();
  for (const part of parts)
    for (const c of part) {
      const name = c.spanName ?? '';
      const key = JSON.stringify([c.service, name]);
      let s = series.get(key);
      if (!s) {
        s = { service: c.service, name, cells: [] };
        series.set(key, s);
      }
      s.cells.push(c);
    }
  return [...series.values()]
    .sort((a, b) => compareBytes(a.service, b.service) || compareBytes(a.name, b.name))
    .flatMap((s) => s.cells);
}

/** Strings in ClickHouse's order (the bytes of UTF-8), which UTF-16 order differs from past U+FFFF. */
const compareBytes = (a: string, b: string): number =>
  a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
