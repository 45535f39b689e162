import { LATENCY_BOUNDS_SECONDS } from '@tracehouse/derived';
import { Engine, type QueryOptions, type SeriesSource } from '@tracehouse/promql';
import { type PromStore, QueryCache, type QueryCacheStats, type Store } from '@tracehouse/store';
import type { Config } from '../../config/schema';
import { tenantSource } from './source';

/** What the /prometheus routes need: the store's Prometheus view and the engine's limits. */
export interface PrometheusApi {
  store: PromStore;
  /**
   * A PromQL engine over one tenant's series; `decorate` wraps its source (rule evaluation caches
   * reads). Its reads are scheduled as API reads with `interactive`, else as background work.
   */
  engine(
    tenant: string,
    opts?: QueryOptions & { interactive?: boolean },
    decorate?: (source: SeriesSource) => SeriesSource,
  ): Engine;
  maxSeries: number;
  timeoutMs: number;
  now: () => number;
  /**
   * Runs `evaluate` once for identical queries in flight at once (a dashboard's repeated panels,
   * several viewers of one dashboard): the later ones share the first one's result. Nothing is
   * kept afterwards, since new samples keep arriving.
   */
  coalesce<T extends object>(key: string, evaluate: () => Promise<T>): Promise<T>;
  /** Coalesced queries, for /metrics. */
  stats(): QueryCacheStats;
}

/** Adds series from elsewhere to a tenant's (the recording rules' series, from alerting). */
export type SourceWrapper = (tenant: string, base: SeriesSource) => SeriesSource;

export function createPrometheusApi(
  store: Store,
  config: Config,
  now: () => number = Date.now,
  wrap?: SourceWrapper,
): PrometheusApi {
  const options = { derivedBoundsSeconds: LATENCY_BOUNDS_SECONDS, derivedStaleMs: config['derived.staleAfter'] };
  // API requests go before the processors' and rule evaluation's statements in the store's queue.
  const interactive = store.prometheus({ ...options, priority: 'interactive' });
  const background = store.prometheus(options);
  const timeoutMs = config['promql.timeout'];
  const inFlight = new QueryCache<object>('promql', { maxSize: 1, sizeOf: () => 1, ttlMs: 0 });
  return {
    coalesce: <T extends object>(key: string, evaluate: () => Promise<T>) =>
      inFlight.get(key, evaluate, { keep: () => false }) as Promise<T>,
    stats: () => inFlight.stats(),
    store: interactive,
    maxSeries: config['promql.maxSeries'],
    timeoutMs,
    now,
    engine: (tenant, opts, decorate) => {
      const promStore = opts?.interactive ? interactive : background;
      const base = tenantSource(promStore, tenant, now, Math.min(opts?.timeoutMs ?? timeoutMs, timeoutMs));
      const source = wrap ? wrap(tenant, base) : base;
      return new Engine({
        source: decorate ? decorate(source) : source,
        lookbackDeltaMs: config['promql.lookbackDelta'],
        maxSamples: config['promql.maxSamples'],
        maxSeries: config['promql.maxSeries'],
        timeoutMs,
        now,
      });
    },
  };
}
