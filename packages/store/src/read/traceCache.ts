import { QueryCache, type QueryCacheStats } from '../cache/queryCache';
import type { TracePage, TracePageRead, TracePageRequest } from './traces';

export interface TraceCacheOptions {
  /** Spans held in all cached pages together, at most (0 turns the cache off). */
  maxSpans: number;
  /** A page is served this long at most (ms): retention may delete a trace, nothing else does. */
  ttlMs: number;
  now?: () => number;
}

/**
 * Trace-by-id pages that can no longer change: read from the kept table alone, with every span
 * the trace index counted (TracePageRead.settled). A late span of such a trace changes it; the
 * store calls tracesWritten for every batch once visible, which drops the trace's pages and keeps
 * a read in flight from being cached. (With several tracehouse processes writing one ClickHouse
 * server, a late span written by another process is seen after ttlMs at the latest.)
 * Identical reads in flight at once share one read whether or not the result is kept.
 */
export class TraceCache {
  private readonly cache: QueryCache<TracePageRead>;

  constructor(private readonly options: TraceCacheOptions) {
    this.cache = new QueryCache('trace', {
      maxSize: Math.max(1, options.maxSpans),
      sizeOf: (r) => r.page.spans.length,
      ttlMs: options.ttlMs,
      now: options.now,
    });
  }

  async read(
    traceId: string,
    tenant: string,
    page: TracePageRequest,
    load: () => Promise<TracePageRead>,
  ): Promise<TracePage> {
    const key = `${tenant}\n${traceId}\n${page.limit}\n${page.offset}`;
    const keep = this.options.maxSpans > 0 ? (r: TracePageRead) => r.settled : () => false;
    return (await this.cache.get(key, load, { tag: traceId, keep })).page;
  }

  /** New spans of these traces are visible (or their write failed): their pages are stale. */
  tracesWritten(traceIds: Iterable<string>): void {
    for (const id of traceIds) this.cache.invalidate(id);
  }

  stats(): QueryCacheStats {
    return this.cache.stats();
  }
}
