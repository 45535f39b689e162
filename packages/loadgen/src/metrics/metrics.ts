import {
  type AttributeTypes,
  type AttributeValues,
  type MetricBatch,
  type MetricPointColumns,
  noExemplars,
  type ResourceScopeColumns,
} from '@tracehouse/otlp';
import type { ServerCall } from '../template/unit';
import type { Random } from '../workload/random';
import type { ServiceInstance } from '../workload/resources';

/** The semantic conventions' default buckets for http.server.request.duration, in seconds. */
const DURATION_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const CUMULATIVE = 2;

interface Series {
  columns: ResourceScopeColumns;
  attributes: AttributeValues;
  attributeTypes: AttributeTypes;
  buckets: number[];
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * A few metrics per service, consistent with the traces: the request-duration histogram
 * counts exactly the server spans the server acknowledged, and each instance reports its
 * CPU time (a monotonic sum) and utilisation (a gauge). Cumulative, as the OTel SDKs
 * export by default, so every collection repeats every series.
 */
export class MetricsModel {
  private readonly series = new Map<string, Series>();
  private readonly cpuSeconds = new Map<ServiceInstance, number>();

  constructor(
    private readonly instances: ReadonlyMap<string, readonly ServiceInstance[]>,
    private readonly startNs: bigint,
    private readonly rng: Random,
  ) {}

  recordServerCalls(calls: readonly ServerCall[]): void {
    for (const c of calls) {
      const key = `${c.service}\u0000${c.method}\u0000${c.route}\u0000${c.status}`;
      let s = this.series.get(key);
      if (!s) {
        const instance = this.instances.get(c.service)?.[0];
        if (!instance) continue;
        s = {
          columns: instance.columns.httpServer,
          attributes: {
            'http.request.method': c.method,
            'http.route': c.route,
            'http.response.status_code': String(c.status),
          },
          attributeTypes: { 'http.response.status_code': 'int' },
          buckets: new Array(DURATION_BOUNDS.length + 1).fill(0),
          count: 0,
          sum: 0,
          min: Number.POSITIVE_INFINITY,
          max: 0,
        };
        this.series.set(key, s);
      }
      let b = 0;
      while (b < DURATION_BOUNDS.length && c.seconds > DURATION_BOUNDS[b]) b++;
      s.buckets[b]++;
      s.count++;
      s.sum += c.seconds;
      s.min = Math.min(s.min, c.seconds);
      s.max = Math.max(s.max, c.seconds);
    }
  }

  /** All series at `nowNs`. */
  collect(nowNs: bigint, intervalSeconds: number): MetricBatch {
    const batch: MetricBatch = { gauge: [], sum: [], histogram: [], expHistogram: [], summary: [] };
    const time = String(nowNs);
    const start = String(this.startNs);
    const base = (
      columns: ResourceScopeColumns,
      name: string,
      description: string,
      unit: string,
      attributes: AttributeValues,
      attributeTypes: AttributeTypes,
    ): MetricPointColumns => ({
      ...columns,
      MetricName: name,
      MetricDescription: description,
      MetricUnit: unit,
      MetricMetadata: {},
      MetricMetadataTypes: {},
      Attributes: attributes,
      AttributeTypes: attributeTypes,
      StartTimeUnix: start,
      TimeUnix: time,
      Flags: 0,
      ...noExemplars(),
    });
    for (const s of this.series.values()) {
      batch.histogram.push({
        ...base(
          s.columns,
          'http.server.request.duration',
          'Duration of HTTP server requests.',
          's',
          s.attributes,
          s.attributeTypes,
        ),
        Count: String(s.count),
        Sum: s.sum,
        BucketCounts: s.buckets.map(String),
        ExplicitBounds: DURATION_BOUNDS,
        Min: s.min,
        Max: s.max,
        AggregationTemporality: CUMULATIVE,
      });
    }
    for (const instances of this.instances.values()) {
      for (const instance of instances) {
        const utilization = Math.round(this.rng.uniform(0.05, 0.6) * 1000) / 1000;
        const cpu = (this.cpuSeconds.get(instance) ?? 0) + utilization * intervalSeconds;
        this.cpuSeconds.set(instance, cpu);
        const attributes = { 'cpu.mode': 'user' };
        batch.sum.push({
          ...base(instance.columns.internal, 'process.cpu.time', 'Total CPU seconds.', 's', attributes, {}),
          Value: Math.round(cpu * 1000) / 1000,
          IntValue: null,
          AggregationTemporality: CUMULATIVE,
          IsMonotonic: true,
        });
        batch.gauge.push({
          ...base(instance.columns.internal, 'process.cpu.utilization', 'CPU utilization of the process.', '1', {}, {}),
          Value: utilization,
          IntValue: null,
        });
      }
    }
    return batch;
  }
}

export function pointCount(batch: MetricBatch): number {
  return (
    batch.gauge.length + batch.sum.length + batch.histogram.length + batch.expHistogram.length + batch.summary.length
  );
}
