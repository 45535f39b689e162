import { attributesToJson, type MetricBatch, type MetricPointColumns } from '@tracehouse/otlp';
import type { FastifyInstance } from 'fastify';
import { tenantOf } from '../auth/hook';
import type { ApiDeps } from './deps';
import { limitParam, timeRange } from './params';

const MAX_POINTS = 10_000;

const exactNumber = (int: string | null, double: number): number | string =>
  int === null ? double : Number.isSafeInteger(Number(int)) ? Number(int) : int;

const finite = (n: number | null): number | string | null => (n === null || Number.isFinite(n) ? n : String(n));

function exemplars(p: MetricPointColumns) {
  return p['Exemplars.TimeUnix'].map((t, i) => ({
    timeUnixNano: t,
    value: exactNumber(p['Exemplars.IntValue'][i] ?? null, p['Exemplars.Value'][i]!),
    traceId: p['Exemplars.TraceId'][i],
    spanId: p['Exemplars.SpanId'][i],
    filteredAttributes: attributesToJson(
      p['Exemplars.FilteredAttributes'][i]!,
      p['Exemplars.FilteredAttributeTypes'][i]!,
    ),
  }));
}

/** Per-type point shape of the native API; numbers are plain JSON, int64 beyond 2^53 strings. */
const pointJson: { [K in keyof MetricBatch]: (p: MetricBatch[K][number]) => Record<string, unknown> } = {
  gauge: (p) => ({ value: finite(exactNumber(p.IntValue, p.Value) as number) }),
  sum: (p) => ({
    value: finite(exactNumber(p.IntValue, p.Value) as number),
    aggregationTemporality: p.AggregationTemporality,
    isMonotonic: p.IsMonotonic,
  }),
  histogram: (p) => ({
    count: p.Count,
    sum: finite(p.Sum),
    bucketCounts: p.BucketCounts,
    explicitBounds: p.ExplicitBounds,
    min: finite(p.Min),
    max: finite(p.Max),
    aggregationTemporality: p.AggregationTemporality,
  }),
  expHistogram: (p) => ({
    count: p.Count,
    sum: finite(p.Sum),
    scale: p.Scale,
    zeroCount: p.ZeroCount,
    zeroThreshold: p.ZeroThreshold,
    positive: { offset: p.PositiveOffset, bucketCounts: p.PositiveBucketCounts },
    negative: { offset: p.NegativeOffset, bucketCounts: p.NegativeBucketCounts },
    min: finite(p.Min),
    max: finite(p.Max),
    aggregationTemporality: p.AggregationTemporality,
  }),
  summary: (p) => ({
    count: p.Count,
    sum: finite(p.Sum),
    quantileValues: p['ValueAtQuantiles.Quantile'].map((q, i) => ({
      quantile: q,
      value: p['ValueAtQuantiles.Value'][i],
    })),
  }),
};

const TYPE_NAMES: Record<keyof MetricBatch, string> = {
  gauge: 'gauge',
  sum: 'sum',
  histogram: 'histogram',
  expHistogram: 'exponentialHistogram',
  summary: 'summary',
};

/** Groups data points into series: one per metric, type, service and attribute set. */
export function toSeries(batch: MetricBatch) {
  const series = new Map<
    string,
    {
      name: string;
      type: string;
      unit: string;
      serviceName: string;
      attributes: Record<string, unknown>;
      points: unknown[];
    }
  >();
  for (const type of Object.keys(pointJson) as (keyof MetricBatch)[]) {
    const toPoint = pointJson[type] as (p: MetricPointColumns) => Record<string, unknown>;
    for (const p of batch[type] as MetricPointColumns[]) {
      const key = JSON.stringify([type, p.MetricName, p.MetricUnit, p.ServiceName, p.Attributes, p.AttributeTypes]);
      let s = series.get(key);
      if (!s) {
        s = {
          name: p.MetricName,
          type: TYPE_NAMES[type],
          unit: p.MetricUnit,
          serviceName: p.ServiceName,
          attributes: attributesToJson(p.Attributes, p.AttributeTypes),
          points: [],
        };
        series.set(key, s);
      }
      s.points.push({
        startTimeUnixNano: p.StartTimeUnix,
        timeUnixNano: p.TimeUnix,
        ...toPoint(p),
        exemplars: exemplars(p),
      });
    }
  }
  return [...series.values()];
}

export function metricRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  app.get(
    '/api/v1/metrics',
    {
      schema: {
        summary: 'Metric series with their data points',
        tags: ['metrics'],
        querystring: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            service: { type: 'string' },
            start: { type: 'string', description: 'Unix seconds (default: end - 1h)' },
            end: { type: 'string', description: 'Unix seconds (default: now)' },
            limit: { type: 'string', description: `points per metric type, 1-${MAX_POINTS}, default 1000` },
          },
        },
      },
    },
    async (req) => {
      const q = req.query as Record<string, string | undefined>;
      const batch = await store.queryMetrics({
        tenant: tenantOf(req),
        ...timeRange(q),
        name: q.name || undefined,
        service: q.service || undefined,
        limit: limitParam(q.limit, 1000, MAX_POINTS),
      });
      return { series: toSeries(batch) };
    },
  );
}
