import { LRUCache } from 'lru-cache';

export interface QueryCacheOptions<V> {
  /** Total size of the entries (sizeOf), at most; the least recently used go first. */
  maxSize: number;
  /** Size of one entry, in the unit of maxSize (at least 1). */
  sizeOf: (value: V) => number;
  /** An entry is not served older than this (ms); Infinity for data that cannot change. */
  ttlMs: number;
  /** Milliseconds clock (tests pass their own). */
  now?: () => number;
}

export interface QueryCacheStats {
  hits: number;
  misses: number;
  /** Requests answered by a load already in flight for the same key. */
  coalesced: number;
  entries: number;
  size: number;
}

export interface CacheGetOptions<V> {
  /** Entries sharing a tag (a trace id) are dropped together by invalidate(tag). */
  tag?: string;
  /** Whether this result may be kept (e.g. only once it can no longer change). Default: always. */
  keep?: (value: V) => boolean;
}

interface Entry<V> {
  value: V;
  tag: string | undefined;
  expiresAt: number;
}

interface Flight<V> {
  promise: Promise<V>;
  /** Invalidated while loading: the result answers its callers but is not kept. */
  stale: boolean;
}

/**
 * A bounded cache of query results with single flight: identical requests in flight at once
 * share one load (a dashboard refreshing the same panels), and a result is kept only when the
 * caller says it can no longer change. Invalidation by tag also covers a load in flight, so a
 * result read before a late write is never kept after it.
 */
export class QueryCache<V extends object> {
  private readonly entries: LRUCache<string, Entry<V>>;
  private readonly flights = new Map<string, Flight<V>>();
  private readonly byTag = new Map<string, Set<string>>();
  private readonly flightsByTag = new Map<string, Set<Flight<V>>>();
  private readonly now: () => number;
  private counts = { hits: 0, misses: 0, coalesced: 0 };

  constructor(
    readonly name: string,
    private readonly options: QueryCacheOptions<V>,
  ) {
    this.now = options.now ?? Date.now;
    this.entries = new LRUCache<string, Entry<V>>({
      maxSize: options.maxSize,
      sizeCalculation: (e) => Math.max(1, options.sizeOf(e.value)),
      dispose: (e, key) => this.untag(e.tag, key),
    });
  }

  async get(key: string, load: () => Promise<V>, opts: CacheGetOptions<V> = {}): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) {
      this.counts.hits++;
      return hit.value;
    }
    if (hit) this.entries.delete(key);
    // A flight invalidated meanwhile may have missed a write its new caller must see.
    const flying = this.flights.get(key);
    if (flying && !flying.stale) {
      this.counts.coalesced++;
      return flying.promise;
    }
    this.counts.misses++;
    const flight: Flight<V> = { promise: load(), stale: false };
    this.flights.set(key, flight);
    if (opts.tag !== undefined) addTo(this.flightsByTag, opts.tag, flight);
    try {
      const value = await flight.promise;
      const size = this.options.sizeOf(value);
      if (!flight.stale && (opts.keep?.(value) ?? true) && size <= this.options.maxSize) {
        this.entries.set(key, { value, tag: opts.tag, expiresAt: this.now() + this.options.ttlMs });
        if (opts.tag !== undefined) addTo(this.byTag, opts.tag, key);
      }
      return value;
    } finally {
      if (this.flights.get(key) === flight) this.flights.delete(key);
      if (opts.tag !== undefined) removeFrom(this.flightsByTag, opts.tag, flight);
    }
  }

  /**
   * The entry held for `key` (counted as a hit), or undefined without loading anything: for a
   * caller that reads what is missing in one statement and then stores it piece by piece.
   */
  peek(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit || hit.expiresAt <= this.now()) return undefined;
    this.counts.hits++;
    return hit.value;
  }

  /**
   * Drops the entries of `tag` and keeps the loads in flight for it from being kept. The ingest
   * path calls it per trace written: two map lookups when something is held, and none (no hash
   * of the tag) when the cache holds and loads nothing.
   */
  invalidate(tag: string): void {
    if (this.byTag.size === 0 && this.flightsByTag.size === 0) return;
    const keys = this.byTag.get(tag);
    if (keys) for (const key of [...keys]) this.entries.delete(key);
    const flying = this.flightsByTag.get(tag);
    if (flying) for (const f of flying) f.stale = true;
  }

  clear(): void {
    this.entries.clear();
    for (const f of this.flights.values()) f.stale = true;
  }

  stats(): QueryCacheStats {
    return { ...this.counts, entries: this.entries.size, size: this.entries.calculatedSize };
  }

  private untag(tag: string | undefined, key: string): void {
    if (tag !== undefined) removeFrom(this.byTag, tag, key);
  }
}

function addTo<T>(index: Map<string, Set<T>>, tag: string, item: T): void {
  const items = index.get(tag);
  if (items) items.add(item);
  else index.set(tag, new Set([item]));
}

function removeFrom<T>(index: Map<string, Set<T>>, tag: string, item: T): void {
  const items = index.get(tag);
  if (!items) return;
  items.delete(item);
  if (items.size === 0) index.delete(tag);
}
