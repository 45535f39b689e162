import { type TraceDecision, traceDecision } from '@tracehouse/sampling';
import { QueryCache, type QueryCacheStats, type Store } from '@tracehouse/store';

/**
 * Sampling decisions served from memory once made: a keep or drop never changes (a re-run
 * window can only record the same decision again), so only `pending` and unknown traces are
 * read every time. Bounded by entries; the TTL follows the trace cache's, since retention
 * deletes decisions with their traces.
 */
export class DecisionCache {
  private readonly cache: QueryCache<{ decision: TraceDecision | undefined }>;

  constructor(
    private readonly store: Store,
    private readonly maxEntries: number,
    ttlMs: number,
  ) {
    this.cache = new QueryCache('decision', { maxSize: Math.max(1, maxEntries), sizeOf: () => 1, ttlMs });
  }

  async lookup(traceId: string, tenant: string): Promise<TraceDecision | undefined> {
    const found = await this.cache.get(
      `${tenant}\n${traceId}`,
      async () => ({ decision: await traceDecision(this.store, traceId, tenant) }),
      { keep: (r) => this.maxEntries > 0 && r.decision !== undefined && r.decision.decision !== 'pending' },
    );
    return found.decision;
  }

  stats(): QueryCacheStats {
    return this.cache.stats();
  }
}
