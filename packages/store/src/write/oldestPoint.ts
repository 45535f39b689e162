import type { MetricBatch } from '@tracehouse/otlp';

/** Called after a metric write with its tenant and the time of its oldest point (ms). */
export type MetricWriteListener = (tenant: string, oldestMs: number) => void;

/** The time of a batch's oldest point, in ms (Infinity for an empty batch). */
export function oldestPointMs(batch: MetricBatch): number {
  let oldest = Number.POSITIVE_INFINITY;
  for (const points of Object.values(batch) as { TimeUnix: string }[][])
    for (const p of points) {
      // Unix nanoseconds in decimal: the milliseconds are all but the last six digits.
      const ms = p.TimeUnix.length > 6 ? Number(p.TimeUnix.slice(0, -6)) : 0;
      if (ms < oldest) oldest = ms;
    }
  return oldest;
}
