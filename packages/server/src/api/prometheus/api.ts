import { LATENCY_BOUNDS_SECONDS } from '@tracehouse/derived';
import { Engine, type QueryOptions } from '@tracehouse/promql';
import type { PromStore, Store } from '@tracehouse/store';
import type { Config } from '../../config/schema';
import { tenantSource } from './source';

/** What the /prometheus routes need: the store's Prometheus view and the engine's limits. */
export interface PrometheusApi {
  store: PromStore;
  /** A PromQL engine over one tenant's series. */
  engine(tenant: string, opts?: QueryOptions): Engine;
  maxSeries: number;
  timeoutMs: number;
  now: () => number;
}

export function createPrometheusApi(store: Store, config: Config, now: () => number = Date.now): PrometheusApi {
  const promStore = store.prometheus({
    derivedBoundsSeconds: LATENCY_BOUNDS_SECONDS,
    derivedStaleMs: config['derived.staleAfter'],
  });
  const timeoutMs = config['promql.timeout'];
  return {
    store: promStore,
    maxSeries: config['promql.maxSeries'],
    timeoutMs,
    now,
    engine: (tenant, opts) =>
      new Engine({
        source: tenantSource(promStore, tenant, now, Math.min(opts?.timeoutMs ?? timeoutMs, timeoutMs)),
        lookbackDeltaMs: config['promql.lookbackDelta'],
        maxSamples: config['promql.maxSamples'],
        maxSeries: config['promql.maxSeries'],
        timeoutMs,
        now,
      }),
  };
}
