import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeTraces,
  encodeTracesData,
  type LogRecord,
  logsToLogsData,
  type MetricBatch,
  metricsToMetricsData,
  type SpanRecord,
  spansToTracesData,
} from '../../src/index';
import { randomLog, randomMetricBatch, randomResourceScope, randomSpan } from '../support/generate';
import { Random } from '../support/random';

const rnd = () => new Random(42);

function plainSpan(overrides: Partial<SpanRecord>): SpanRecord {
  const r = rnd();
  return {
    ...randomSpan(r, {
      ...randomResourceScope(r),
      ResourceAttributes: { 'service.name': 'svc' },
      ResourceAttributeTypes: {},
      ServiceName: 'svc',
      ResourceDroppedAttributesCount: 0,
      ResourceSchemaUrl: '',
      ScopeName: 'lib',
      ScopeVersion: '',
      ScopeAttributes: {},
      ScopeAttributeTypes: {},
      ScopeDroppedAttributesCount: 0,
      ScopeSchemaUrl: '',
    }),
    TraceId: '5b8efff798038103d269b633813fc60c',
    SpanId: 'eee19b7ec3c1b174',
    ParentSpanId: '',
    TraceState: '',
    Flags: 0,
    SpanName: 'op',
    SpanKind: 'Client',
    Timestamp: '1700000000000000000',
    Duration: '1500',
    SpanAttributes: { s: 'x', i: '9223372036854775807', d: 'NaN', l: '[{"intValue":"1"}]' },
    SpanAttributeTypes: { i: 'int', d: 'double', l: 'array' },
    DroppedAttributesCount: 0,
    StatusCode: 'Unset',
    StatusMessage: '',
    'Events.Timestamp': [],
    'Events.Name': [],
    'Events.Attributes': [],
    'Events.AttributeTypes': [],
    'Events.DroppedAttributesCount': [],
    DroppedEventsCount: 0,
    'Links.TraceId': [],
    'Links.SpanId': [],
    'Links.TraceState': [],
    'Links.Flags': [],
    'Links.Attributes': [],
    'Links.AttributeTypes': [],
    'Links.DroppedAttributesCount': [],
    DroppedLinksCount: 0,
    ...overrides,
  };
}

describe('OTLP/JSON encoders', () => {
  it('write a span as the OTLP/JSON spec says: hex ids, int64 strings, enum numbers, defaults left out', () => {
    assert.deepStrictEqual(spansToTracesData([plainSpan({})]), {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeSpans: [
            {
              scope: { name: 'lib' },
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  name: 'op',
                  kind: 3,
                  startTimeUnixNano: '1700000000000000000',
                  endTimeUnixNano: '1700000000000001500',
                  attributes: [
                    { key: 's', value: { stringValue: 'x' } },
                    { key: 'i', value: { intValue: '9223372036854775807' } },
                    { key: 'd', value: { doubleValue: 'NaN' } },
                    { key: 'l', value: { arrayValue: { values: [{ intValue: '1' }] } } },
                  ],
                  status: {},
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('write events, links, status and non-zero counts', () => {
    const span = plainSpan({
      ParentSpanId: 'b7ad6b7169203331',
      StatusCode: 'Error',
      StatusMessage: 'boom',
      DroppedAttributesCount: 2,
      'Events.Timestamp': ['5'],
      'Events.Name': ['ev'],
      'Events.Attributes': [{}],
      'Events.AttributeTypes': [{}],
      'Events.DroppedAttributesCount': [0],
      'Links.TraceId': ['11111111111111111111111111111111'],
      'Links.SpanId': ['2222222222222222'],
      'Links.TraceState': ['a=b'],
      'Links.Flags': [257],
      'Links.Attributes': [{ k: 'true' }],
      'Links.AttributeTypes': [{ k: 'bool' }],
      'Links.DroppedAttributesCount': [1],
    });
    const out = (spansToTracesData([span]).resourceSpans[0] as { scopeSpans: { spans: Record<string, unknown>[] }[] })
      .scopeSpans[0].spans[0];
    assert.equal(out.parentSpanId, 'b7ad6b7169203331');
    assert.equal(out.droppedAttributesCount, 2);
    assert.deepEqual(out.status, { message: 'boom', code: 2 });
    assert.deepEqual(out.events, [{ timeUnixNano: '5', name: 'ev' }]);
    assert.deepEqual(out.links, [
      {
        traceId: '11111111111111111111111111111111',
        spanId: '2222222222222222',
        traceState: 'a=b',
        attributes: [{ key: 'k', value: { boolValue: true } }],
        droppedAttributesCount: 1,
        flags: 257,
      },
    ]);
  });

  it('group records by identical resource and scope, keeping their order within a group', () => {
    const a1 = plainSpan({ SpanName: 'a1' });
    const b1 = plainSpan({ SpanName: 'b1', ScopeName: 'other-lib' });
    // Equal content in different objects still groups together.
    const a2 = plainSpan({ SpanName: 'a2', ResourceAttributes: { 'service.name': 'svc' } });
    const c1 = plainSpan({ SpanName: 'c1', ResourceAttributes: { 'service.name': 'svc2' }, ServiceName: 'svc2' });
    const a3 = plainSpan({ SpanName: 'a3' });
    const data = spansToTracesData([a1, b1, a2, c1, a3]) as {
      resourceSpans: { scopeSpans: { scope: { name: string }; spans: { name: string }[] }[] }[];
    };
    assert.deepEqual(
      data.resourceSpans.map((rs) => rs.scopeSpans.map((ss) => [ss.scope.name, ss.spans.map((s) => s.name)])),
      [
        [
          ['lib', ['a1', 'a2', 'a3']],
          ['other-lib', ['b1']],
        ],
        [['lib', ['c1']]],
      ],
    );
    assert.deepEqual(
      decodeTraces(encodeTracesData([a1, b1, a2, c1, a3]), 'protobuf').records.map((r) => r.SpanName),
      ['a1', 'a2', 'a3', 'b1', 'c1'],
    );
  });

  it('write a log body of every kind, and none for an empty body', () => {
    const base = randomLog(rnd(), randomResourceScope(rnd()));
    const log = (Body: string, BodyType: LogRecord['BodyType']) => {
      const data = logsToLogsData([{ ...base, Body, BodyType }]) as {
        resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[];
      };
      return data.resourceLogs[0].scopeLogs[0].logRecords[0].body;
    };
    assert.deepEqual(log('', ''), { stringValue: '' });
    assert.equal(log('', 'empty'), undefined);
    assert.deepEqual(log('[{"key":"k","value":{}}]', 'kvlist'), { kvlistValue: { values: [{ key: 'k', value: {} }] } });
    assert.deepEqual(log('AA==', 'bytes'), { bytesValue: 'AA==' });
  });

  it('keep string fields whose value is "0" (found by the fuzzer)', () => {
    const batch = randomMetricBatch(new Random(5));
    const any = [...batch.gauge, ...batch.sum, ...batch.histogram, ...batch.expHistogram, ...batch.summary][0];
    const point = { ...any, MetricName: '0', MetricUnit: '0', MetricDescription: '0', ScopeName: '0' };
    const data = metricsToMetricsData({
      gauge: [{ ...point, Value: 1, IntValue: null }],
      sum: [],
      histogram: [],
      expHistogram: [],
      summary: [],
    });
    const text = JSON.stringify(data);
    assert.match(text, /"scope":\{"name":"0"/);
    assert.match(text, /"name":"0","description":"0","unit":"0"/);
    const span = plainSpan({ SpanName: '0', TraceState: '0', StatusMessage: '0' });
    assert.match(JSON.stringify(spansToTracesData([span])), /"traceState":"0".*"name":"0".*"status":\{"message":"0"\}/);
  });

  it('rebuild one Metric per name/type/temporality with all its points', () => {
    const batch = randomMetricBatch(new Random(3));
    const sample = {
      ...(batch.sum[0] ?? batch.gauge[0] ?? batch.histogram[0]),
      MetricName: 'requests',
    } as MetricBatch['sum'][number];
    const point = (attributes: Record<string, string>, temporality: number) => ({
      ...sample,
      Attributes: attributes,
      AttributeTypes: {},
      Value: 1,
      IntValue: '1',
      AggregationTemporality: temporality,
      IsMonotonic: true,
    });
    const data = metricsToMetricsData({
      gauge: [],
      sum: [point({ code: '200' }, 2), point({ code: '500' }, 2), point({ code: '200' }, 1)],
      histogram: [
        {
          ...sample,
          Count: '0',
          Sum: null,
          BucketCounts: [],
          ExplicitBounds: [],
          Min: null,
          Max: 0,
          AggregationTemporality: 0,
        },
      ],
      expHistogram: [],
      summary: [],
    }) as {
      resourceMetrics: { scopeMetrics: { metrics: Record<string, { dataPoints: Record<string, unknown>[] }>[] }[] }[];
    };
    const metrics = data.resourceMetrics[0].scopeMetrics[0].metrics;
    assert.equal(metrics.length, 3);
    assert.equal(metrics[0].sum.dataPoints.length, 2);
    assert.equal(metrics[1].sum.dataPoints.length, 1);
    assert.equal((metrics[0].sum as unknown as { aggregationTemporality: number }).aggregationTemporality, 2);
    assert.equal(metrics[0].sum.dataPoints[0].asInt, '1');
    const histogramPoint = metrics[2].histogram.dataPoints[0];
    assert.equal('sum' in histogramPoint, false);
    assert.equal('min' in histogramPoint, false);
    assert.equal(histogramPoint.max, 0);
  });
});
