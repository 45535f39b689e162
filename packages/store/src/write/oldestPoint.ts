/**
 * Called after a metric write with its tenant and the time of its oldest point (ms; Infinity
 * for an empty batch). Store.writeMetrics takes that time from the families it wrote
 * (prometheus/families.ts, writtenFamilies).
 */
export type MetricWriteListener = (tenant: string, oldestMs: number) => void;
