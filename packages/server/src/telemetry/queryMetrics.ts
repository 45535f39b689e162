import type { QueryCacheStats, Store } from '@tracehouse/store';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The read path on /metrics: hits, misses and coalesced requests of each read cache, its
 * size, and the statements running and waiting for the store per priority. Read at scrape time.
 */
export function registerQueryMetrics(
  registry: Registry,
  store: Store,
  caches: () => Record<string, QueryCacheStats>,
): void {
  const all = () => ({ ...store.cacheStats(), ...caches() });
  const counter = (name: string, help: string, pick: (s: QueryCacheStats) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['cache'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [cache, s] of Object.entries(all())) this.inc({ cache }, pick(s));
      },
    });
  counter('tracehouse_query_cache_hits_total', 'Reads answered from a read cache', (s) => s.hits);
  counter('tracehouse_query_cache_misses_total', 'Reads that went to the store', (s) => s.misses);
  counter(
    'tracehouse_query_cache_coalesced_total',
    'Reads that shared an identical read already in flight',
    (s) => s.coalesced,
  );
  new Gauge({
    name: 'tracehouse_query_cache_entries',
    help: 'Entries held per read cache',
    labelNames: ['cache'],
    registers: [registry],
    collect() {
      for (const [cache, s] of Object.entries(all())) this.set({ cache }, s.entries);
    },
  });
  new Gauge({
    name: 'tracehouse_store_statements',
    help: 'Statements running, and waiting per priority, in the store client',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const s = store.sql.schedulerStats();
      this.set({ state: 'running' }, s.running);
      this.set({ state: 'waiting_interactive' }, s.waiting.interactive);
      this.set({ state: 'waiting_background' }, s.waiting.background);
    },
  });
}
