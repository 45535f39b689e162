import {
  type DerivedSeries,
  DerivedStore,
  HourlyRollupProcessor,
  parseDimensions,
  RemoteWriteProcessor,
  ServiceGraphProcessor,
  SpanMetricsProcessor,
} from '@tracehouse/derived';
import type { Store } from '@tracehouse/store';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Config } from '../config/schema';
import type { Processor } from './loop';

/** What the API and /metrics need from the derived metrics. */
export interface Derived {
  store: DerivedStore;
  intervalMs: number;
  series: DerivedSeries;
  processors: Processor[];
  /** End of the last span-metrics interval computed (Unix ms), or null before the first. */
  spanMetricsComputedUntilMs(): number | null;
  /** End of the last interval both processors have computed (Unix ms), or null before the first. */
  computedUntilMs(): number | null;
}

/** Builds the span-metrics and service-graph processors from the configuration. */
export async function createDerived(store: Store, config: Config, registry: Registry): Promise<Derived> {
  const derivedStore = new DerivedStore(store);
  await derivedStore.applyRetention(config['retention.metrics'] / 1000);
  const intervalMs = Math.max(1, config['derived.interval']);
  const lagMs = config['derived.lag'];
  const limit = Math.max(1, config['derived.cardinalityLimit']);
  const unpaired = new Counter({
    name: 'tracehouse_service_graph_unpaired_spans_total',
    help: 'Client, server, producer or consumer spans of complete traces that found no peer (Tempo: expired edges)',
    registers: [registry],
  });
  const spanMetrics = new SpanMetricsProcessor(derivedStore, {
    intervalMs,
    lagMs,
    dimensions: parseDimensions(config['derived.dimensions']),
    cardinalityLimit: limit,
    staleMs: config['derived.staleAfter'],
    // Exemplars come from spans whose trace the sampler's policy keeps.
    keep: {
      latencyThresholdMs: config['sampling.latencyThreshold'],
      baselinePercent: config['sampling.baselinePercent'],
    },
  });
  const serviceGraph = new ServiceGraphProcessor(derivedStore, {
    intervalMs,
    lagMs,
    cardinalityLimit: limit,
    staleMs: config['derived.staleAfter'],
    onUnpaired: (n) => unpaired.inc(n),
  });
  // Counters continue from the stored intervals before the first scrape can see them.
  await spanMetrics.restore();
  await serviceGraph.restore();
  new Gauge({
    name: 'tracehouse_derived_computed_until_seconds',
    help: 'End of the last interval each derived-metrics processor has computed (Unix seconds)',
    labelNames: ['processor'],
    registers: [registry],
    collect() {
      for (const p of [spanMetrics, serviceGraph])
        if (p.computedUntilMs !== null) this.set({ processor: p.name }, p.computedUntilMs / 1000);
    },
  });
  const series = { spanMetrics: spanMetrics.series, serviceGraph: serviceGraph.series };
  const computedUntilMs = () => {
    const [a, b] = [spanMetrics.computedUntilMs, serviceGraph.computedUntilMs];
    return a === null || b === null ? null : Math.min(a, b);
  };
  const processors: Processor[] = [spanMetrics, serviceGraph, new HourlyRollupProcessor(derivedStore, computedUntilMs)];
  const remoteWriteUrl = config['derived.remoteWriteUrl'];
  if (remoteWriteUrl) processors.push(new RemoteWriteProcessor(remoteWriteUrl, series, intervalMs));
  const tickSeconds = new Histogram({
    name: 'tracehouse_derived_tick_seconds',
    help: 'Time of one tick of a derived-metrics processor',
    labelNames: ['processor'],
    buckets: [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const timed = processors.map(
    (p): Processor => ({
      name: p.name,
      async tick(nowMs) {
        const end = tickSeconds.startTimer({ processor: p.name });
        try {
          await p.tick(nowMs);
        } finally {
          end();
        }
      },
    }),
  );
  return {
    store: derivedStore,
    intervalMs,
    series,
    processors: timed,
    spanMetricsComputedUntilMs: () => spanMetrics.computedUntilMs,
    computedUntilMs,
  };
}
