import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMetrics, type MetricBatch, type MetricPointColumns } from '../../src/index';
import {
  capturedBody,
  expectedAttributes,
  PROTOCOLS,
  type Protocol,
  type TruthValue,
  truth,
} from '../support/captured';

interface PointTruth {
  startTimeUnixNano: string;
  timeUnixNano: string;
  attributes: Record<string, TruthValue>;
  value: number | HistogramTruth | ExpHistogramTruth;
}
interface HistogramTruth {
  buckets: { boundaries: number[]; counts: number[] };
  sum: number;
  count: number;
  min: number;
  max: number;
}
interface ExpHistogramTruth {
  scale: number;
  zeroCount: number;
  positive: { offset: number; bucketCounts: number[] };
  negative: { offset: number; bucketCounts: number[] };
  sum: number;
  count: number;
  min: number;
  max: number;
}
interface MetricTruth {
  name: string;
  description: string;
  unit: string;
  valueType: 'int' | 'double';
  /** sdk-metrics DataPointType: HISTOGRAM 0, EXPONENTIAL_HISTOGRAM 1, GAUGE 2, SUM 3 */
  dataPointType: 0 | 1 | 2 | 3;
  /** sdk-metrics AggregationTemporality: DELTA 0, CUMULATIVE 1 (OTLP numbers them 1 and 2) */
  aggregationTemporality: number;
  isMonotonic: boolean | null;
  dataPoints: PointTruth[];
}
interface MetricsTruth {
  resourceMetrics: {
    resource: { attributes: Record<string, TruthValue>; schemaUrl: string };
    scopeMetrics: { scope: { name: string; version: string; schemaUrl: string }; metrics: MetricTruth[] }[];
  }[];
}

function pointsOf(batch: MetricBatch, name: string): MetricPointColumns[] {
  return [...batch.gauge, ...batch.sum, ...batch.histogram, ...batch.expHistogram, ...batch.summary].filter(
    (p) => p.MetricName === name,
  );
}

function check(protocol: Protocol): void {
  const { body, format } = capturedBody('metrics', protocol);
  const decoded = decodeMetrics(body, format);
  const { resourceMetrics } = truth<MetricsTruth>(`metrics.${protocol}.truth.json`);
  assert.equal(decoded.rejected, 0);
  let expectedPoints = 0;
  for (const rm of resourceMetrics) {
    const resource = expectedAttributes(rm.resource.attributes);
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const points = pointsOf(decoded.records, m.name);
        assert.equal(points.length, m.dataPoints.length, m.name);
        expectedPoints += points.length;
        const kind = ['histogram', 'expHistogram', 'gauge', 'sum'][m.dataPointType] as keyof MetricBatch;
        for (const [i, t] of m.dataPoints.entries()) {
          const p = points[i];
          assert.ok((decoded.records[kind] as MetricPointColumns[]).includes(p), `${m.name} is a ${kind}`);
          assert.equal(p.ServiceName, 'checkout');
          assert.deepEqual(p.ResourceAttributes, resource.values);
          assert.deepEqual(p.ResourceAttributeTypes, resource.types);
          assert.equal(p.ResourceSchemaUrl, rm.resource.schemaUrl);
          assert.equal(p.ScopeName, sm.scope.name);
          assert.equal(p.ScopeVersion, sm.scope.version);
          assert.equal(p.ScopeSchemaUrl, sm.scope.schemaUrl);
          assert.equal(p.MetricDescription, m.description);
          assert.equal(p.MetricUnit, m.unit);
          assert.deepEqual(p.MetricMetadata, {});
          const attributes = expectedAttributes(t.attributes);
          assert.deepEqual(p.Attributes, attributes.values);
          assert.deepEqual(p.AttributeTypes, attributes.types);
          assert.equal(p.StartTimeUnix, t.startTimeUnixNano);
          assert.equal(p.TimeUnix, t.timeUnixNano);
          assert.deepEqual(p['Exemplars.TimeUnix'], []);
          const temporality = m.aggregationTemporality + 1;
          if (kind === 'gauge' || kind === 'sum') {
            const n = p as MetricBatch['sum'][number];
            assert.equal(n.Value, t.value);
            assert.equal(n.IntValue, m.valueType === 'int' ? String(t.value) : null);
            if (kind === 'sum') {
              assert.equal(n.AggregationTemporality, temporality);
              assert.equal(n.IsMonotonic, m.isMonotonic);
            }
          } else if (kind === 'histogram') {
            const h = p as MetricBatch['histogram'][number];
            const v = t.value as HistogramTruth;
            assert.equal(h.Count, String(v.count));
            assert.equal(h.Sum, v.sum);
            assert.equal(h.Min, v.min);
            assert.equal(h.Max, v.max);
            assert.deepEqual(h.ExplicitBounds, v.buckets.boundaries);
            assert.deepEqual(h.BucketCounts, v.buckets.counts.map(String));
            assert.equal(h.AggregationTemporality, temporality);
          } else {
            const e = p as MetricBatch['expHistogram'][number];
            const v = t.value as ExpHistogramTruth;
            assert.equal(e.Count, String(v.count));
            assert.equal(e.Sum, v.sum);
            assert.equal(e.Min, v.min);
            assert.equal(e.Max, v.max);
            assert.equal(e.Scale, v.scale);
            assert.equal(e.ZeroCount, String(v.zeroCount));
            assert.equal(e.ZeroThreshold, 0);
            assert.equal(e.PositiveOffset, v.positive.offset);
            assert.deepEqual(e.PositiveBucketCounts, v.positive.bucketCounts.map(String));
            assert.equal(e.NegativeOffset, v.negative.offset);
            assert.deepEqual(e.NegativeBucketCounts, v.negative.bucketCounts.map(String));
            assert.equal(e.AggregationTemporality, temporality);
          }
        }
      }
    }
  }
  const all = Object.values(decoded.records).reduce((n, list) => n + list.length, 0);
  assert.equal(all, expectedPoints);
}

describe('metrics captured from the official OpenTelemetry JS exporters', () => {
  for (const protocol of PROTOCOLS) it(`decodes the ${protocol} request field by field`, () => check(protocol));

  it('covers counter, up-down counter, histogram, exponential histogram and gauges in both temporalities', () => {
    const json = decodeMetrics(capturedBody('metrics', 'json').body, 'json').records;
    const proto = decodeMetrics(capturedBody('metrics', 'proto').body, 'protobuf').records;
    for (const batch of [json, proto]) {
      assert.ok(batch.gauge.length >= 2 && batch.sum.length >= 4 && batch.histogram.length === 1);
      assert.equal(batch.expHistogram.length, 1);
    }
    // The DELTA preference keeps up-down counters cumulative, as the SDK spec requires.
    assert.deepEqual(new Set(json.sum.filter((p) => p.IsMonotonic).map((p) => p.AggregationTemporality)), new Set([1]));
    assert.deepEqual(
      new Set(json.sum.filter((p) => !p.IsMonotonic).map((p) => p.AggregationTemporality)),
      new Set([2]),
    );
    assert.deepEqual(new Set(proto.sum.map((p) => p.AggregationTemporality)), new Set([2]));
    const queue = proto.sum.find((p) => p.MetricName === 'queue.depth')!;
    assert.equal(queue.IntValue, '-2');
    assert.equal(queue.IsMonotonic, false);
  });
});
