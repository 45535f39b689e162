import { LATENCY_BOUNDS_SECONDS } from '@tracehouse/derived';
import { Engine, type QueryOptions, ResultsCache, type ResultsCacheStats, type SeriesSource } from '@tracehouse/promql';
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
  /** Range results kept between requests, for /metrics (undefined when off). */
  resultsStats(): ResultsCacheStats | undefined;
}

/** Adds series from elsewhere to a tenant's (the recording rules' series, from alerting). */
export type SourceWrapper = (tenant: string, base: SeriesSource) => SeriesSource;

/** A kept range result is reused for an hour at most (retention deletes old samples meanwhile). */
const RESULTS_MAX_AGE_MS = 3_600_000;

/**
 * `derivedUntilMs`: how far the derived metrics are computed (null before their first interval;
 * undefined when they are off): later intervals are still to be written, so no step from there
 * on is kept.
 */
export function createPrometheusApi(
  store: Store,
  config: Config,
  now: () => number = Date.now,
  wrap?: SourceWrapper,
  derivedUntilMs?: () => number | null,
): PrometheusApi {
  const options = { derivedBoundsSeconds: LATENCY_BOUNDS_SECONDS, derivedStaleMs: config['derived.staleAfter'] };
  // API requests go before the processors' and rule evaluation's statements in the store's queue.
  const interactive = store.prometheus({ ...options, priority: 'interactive' });
  const background = store.prometheus(options);
  const timeoutMs = config['promql.timeout'];
  const inFlight = new QueryCache<object>('promql', { maxSize: 1, sizeOf: () => 1, ttlMs: 0 });
  const results = resultsCache(store, config, now, derivedUntilMs);
  return {
    coalesce: <T extends object>(key: string, evaluate: () => Promise<T>) =>
      inFlight.get(key, evaluate, { keep: () => false }) as Promise<T>,
    stats: () => inFlight.stats(),
    resultsStats: () => results?.cache.stats(),
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
        // API queries only: rule evaluation asks for instants, which are not kept.
        results: opts?.interactive && results ? { ...results, scope: tenant } : undefined,
      });
    },
  };
}

/**
 * The range results kept between API requests. Steps are kept once no sample can still arrive
 * for them: older than `promql.resultsCacheFreshness` and than the derived metrics' progress.
 * A metric write with older points (a late batch, a backfill) drops its tenant's kept steps
 * from its oldest point on.
 */
function resultsCache(
  store: Store,
  config: Config,
  now: () => number,
  derivedUntilMs: (() => number | null) | undefined,
): { cache: ResultsCache; settledMs: () => number } | undefined {
  const maxBytes = config['promql.resultsCacheSize'];
  if (maxBytes <= 0) return undefined;
  const freshnessMs = config['promql.resultsCacheFreshness'];
  const cache = new ResultsCache({ maxBytes, maxAgeMs: RESULTS_MAX_AGE_MS, now });
  store.onMetricWrite((tenant, oldestMs) => {
    if (oldestMs <= now() - freshnessMs) cache.invalidate(tenant, oldestMs);
  });
  const settledMs = () => {
    const until = derivedUntilMs?.();
    // Strictly before: a series first written in the next interval gets a sample at its start.
    const derived =
      until === undefined ? Number.POSITIVE_INFINITY : until === null ? Number.NEGATIVE_INFINITY : until - 1;
    return Math.min(now() - freshnessMs, derived);
  };
  return { cache, settledMs };
}
