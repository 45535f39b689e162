import { HourlyRollupProcessor } from '@tracehouse/derived';
import { METRICS_HOURLY_WATERMARK, metricsRollableUntilMs, type Store } from '@tracehouse/store';
import type { Clock, Processor } from './loop';

/**
 * Rolls up every finished hour of the OTLP metric points into one row per series and hour, for
 * PromQL reads (store: schema/metricsHourly.ts). Ingest refuses points older than the metrics'
 * retention, so the first hour is the oldest point's within it; on a store without points it is
 * the current one (a point written later for an earlier hour is read as a late point).
 */
export function metricsHourlyProcessor(store: Store, retentionMs: number, clock: Clock): Processor {
  return new HourlyRollupProcessor(
    {
      readWatermark: (name) => store.state.readWatermarkMs(name),
      writeWatermark: (name, ms) => store.state.writeWatermarkMs(name, ms),
      oldestMs: async () => (await store.oldestMetricMs(clock() - retentionMs)) ?? clock(),
      rollUpHour: (hourStartMs) => store.rollUpMetricsHour(hourStartMs),
    },
    metricsRollableUntilMs,
    6,
    METRICS_HOURLY_WATERMARK,
  );
}
