import { QueryCache, type QueryCacheStats } from '../cache/queryCache';
import type { TagRange, TagScope, TagValue, TagValuesRequest } from './tags';

type TagNames = { name: TagScope; tags: string[] }[];

/** Values held per cache at most (names or values, summed over entries). */
const MAX_VALUES = 200_000;

/**
 * Tag names and values (autocomplete) served from memory for a few seconds: the rollup grows as
 * spans arrive, so a short TTL bounds how late a new value shows, and a burst of identical
 * requests (a dashboard's variables, every keystroke of several users) costs one statement.
 */
export class TagCache {
  private readonly namesCache: QueryCache<{ v: TagNames }>;
  private readonly valuesCache: QueryCache<{ v: TagValue[] }>;

  constructor(private readonly ttlMs: number) {
    const count = (n: number) => Math.max(1, n);
    this.namesCache = new QueryCache('tag_names', {
      maxSize: MAX_VALUES,
      sizeOf: (e) => count(e.v.reduce((n, s) => n + s.tags.length, 0)),
      ttlMs,
    });
    this.valuesCache = new QueryCache('tag_values', { maxSize: MAX_VALUES, sizeOf: (e) => count(e.v.length), ttlMs });
  }

  async names(r: TagRange & { scope?: TagScope; limit?: number }, load: () => Promise<TagNames>): Promise<TagNames> {
    const key = JSON.stringify([r.tenant, r.start, r.end, r.scope ?? '', r.limit ?? null]);
    return (await this.namesCache.get(key, async () => ({ v: await load() }), { keep: () => this.ttlMs > 0 })).v;
  }

  async values(r: TagValuesRequest, load: () => Promise<TagValue[]>): Promise<TagValue[]> {
    const key = JSON.stringify([r.tenant, r.start, r.end, r.tag, r.prefix ?? '', r.limit ?? null, r.query ?? null]);
    return (await this.valuesCache.get(key, async () => ({ v: await load() }), { keep: () => this.ttlMs > 0 })).v;
  }

  stats(): Record<string, QueryCacheStats> {
    return { tag_names: this.namesCache.stats(), tag_values: this.valuesCache.stats() };
  }
}
