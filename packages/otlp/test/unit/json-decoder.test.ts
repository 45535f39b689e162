import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLogs, decodeMetrics, decodeTraces, OtlpDecodeError } from '../../src/index';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';
const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const traces = (spans: unknown[], resource: unknown = {}) => ({
  resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'lib' }, spans }] }],
});

function throwsDecodeError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${error}`);
    assert.match(error.message, message);
    return true;
  });
}

describe('OTLP/JSON decoding', () => {
  it('reads lowerCamelCase and snake_case field names alike', () => {
    const camel = traces([
      {
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        parentSpanId: 'b7ad6b7169203331',
        traceState: 'a=b',
        name: 'op',
        kind: 2,
        startTimeUnixNano: '1700000000000000000',
        endTimeUnixNano: '1700000000000001000',
        attributes: [{ key: 'k', value: { intValue: '7' } }],
        droppedAttributesCount: 1,
        events: [{ timeUnixNano: '5', name: 'e', droppedAttributesCount: 2 }],
        droppedEventsCount: 3,
        links: [{ traceId: TRACE_ID, spanId: SPAN_ID, traceState: 'x=y', droppedAttributesCount: 4 }],
        droppedLinksCount: 5,
        status: { code: 2, message: 'm' },
      },
    ]);
    const snake = {
      resource_spans: [
        {
          resource: {},
          scope_spans: [
            {
              scope: { name: 'lib' },
              spans: [
                {
                  trace_id: TRACE_ID,
                  span_id: SPAN_ID,
                  parent_span_id: 'b7ad6b7169203331',
                  trace_state: 'a=b',
                  name: 'op',
                  kind: 'SPAN_KIND_SERVER',
                  start_time_unix_nano: 1700000000000000000,
                  end_time_unix_nano: '1700000000000001000',
                  attributes: [{ key: 'k', value: { int_value: 7 } }],
                  dropped_attributes_count: 1,
                  events: [{ time_unix_nano: 5, name: 'e', dropped_attributes_count: 2 }],
                  dropped_events_count: 3,
                  links: [{ trace_id: TRACE_ID, span_id: SPAN_ID, trace_state: 'x=y', dropped_attributes_count: 4 }],
                  dropped_links_count: 5,
                  status: { code: 'STATUS_CODE_ERROR', message: 'm' },
                },
              ],
            },
          ],
        },
      ],
    };
    const a = decodeTraces(body(camel), 'json');
    assert.equal(a.records.length, 1);
    assert.equal(a.records[0].Duration, '1000');
    assert.equal(a.records[0].SpanKind, 'Server');
    assert.deepEqual(a.records[0]['Links.DroppedAttributesCount'], [4]);
    assert.deepStrictEqual(decodeTraces(body(snake), 'json'), a);
  });

  it('normalises hex case and base64 trace and span ids to lowercase hex', () => {
    const base64Trace = Buffer.from(TRACE_ID, 'hex').toString('base64');
    const base64Span = Buffer.from(SPAN_ID, 'hex').toString('base64url');
    assert.equal(base64Trace.length, 24);
    assert.equal(base64Span.length, 11);
    const { records } = decodeTraces(
      body(
        traces([
          {
            traceId: base64Trace,
            spanId: base64Span,
            links: [{ traceId: TRACE_ID.toUpperCase(), spanId: base64Span }],
          },
        ]),
      ),
      'json',
    );
    assert.equal(records[0].TraceId, TRACE_ID);
    assert.equal(records[0].SpanId, SPAN_ID);
    assert.deepEqual(records[0]['Links.TraceId'], [TRACE_ID]);
    assert.deepEqual(records[0]['Links.SpanId'], [SPAN_ID]);
  });

  it('reads int64 as string or number, doubles as numbers or strings, bytes as std or URL-safe base64', () => {
    const attrs = [
      { key: 'i', value: { intValue: -42 } },
      { key: 'big', value: { intValue: '-9223372036854775808' } },
      { key: 'zeros', value: { intValue: '007' } },
      { key: 'nan', value: { doubleValue: 'NaN' } },
      { key: 'inf', value: { doubleValue: '-Infinity' } },
      { key: 'str', value: { doubleValue: '2.5e3' } },
      { key: 'b64', value: { bytesValue: '-_8' } },
      {
        key: 'nested',
        value: { arrayValue: { values: [{ int_value: 1 }, { kvlist_value: { values: [{ key: 'k' }] } }] } },
      },
      { key: 'null', value: { stringValue: null } },
    ];
    const r = decodeTraces(body(traces([{ traceId: TRACE_ID, spanId: SPAN_ID, attributes: attrs }])), 'json')
      .records[0];
    assert.deepEqual(r.SpanAttributes, {
      i: '-42',
      big: '-9223372036854775808',
      zeros: '7',
      nan: 'NaN',
      inf: '-Infinity',
      str: '2500',
      b64: '+/8=',
      nested: '[{"intValue":"1"},{"kvlistValue":{"values":[{"key":"k","value":{}}]}}]',
      null: '',
    });
    assert.equal(r.SpanAttributeTypes.null, 'empty');
  });

  it('accepts enum names for span kind, status, severity and temporality', () => {
    const logs = {
      resourceLogs: [
        { scopeLogs: [{ logRecords: [{ severityNumber: 'SEVERITY_NUMBER_WARN3', body: { stringValue: 'x' } }] }] },
      ],
    };
    assert.equal(decodeLogs(body(logs), 'json').records[0].SeverityNumber, 15);
    const metrics = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 's',
                  sum: {
                    aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
                    isMonotonic: true,
                    dataPoints: [{ asInt: '3' }],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const p = decodeMetrics(body(metrics), 'json').records.sum[0];
    assert.equal(p.AggregationTemporality, 1);
    assert.equal(p.IntValue, '3');
  });

  it('ignores unknown fields and treats null as absent', () => {
    const r = decodeTraces(
      body({
        ...traces([{ traceId: TRACE_ID, spanId: SPAN_ID, name: null, extra: { deep: [1] }, status: null }]),
        more: 1,
      }),
      'json',
    ).records[0];
    assert.equal(r.SpanName, '');
    assert.equal(r.StatusCode, 'Unset');
  });

  it('decodes {} as an empty request; accepts a UTF-8 BOM', () => {
    assert.deepStrictEqual(decodeTraces(body('{}'), 'json').records, []);
    const withBom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      body(traces([{ traceId: TRACE_ID, spanId: SPAN_ID }])),
    ]);
    assert.equal(decodeTraces(withBom, 'json').records.length, 1);
  });

  it('reads every metric point type with optional fields', () => {
    const metrics = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'g',
                  gauge: { dataPoints: [{ asDouble: 'Infinity', flags: 1 }] },
                  metadata: [{ key: 'm', value: { boolValue: true } }],
                },
                {
                  name: 'h',
                  histogram: {
                    aggregationTemporality: 2,
                    dataPoints: [{ count: 3, sum: 1.5, bucketCounts: ['1', 2], explicitBounds: [1, '2'], max: 9 }],
                  },
                },
                {
                  name: 'e',
                  exponentialHistogram: {
                    dataPoints: [
                      { scale: -2, zeroCount: '1', zeroThreshold: 0.5, positive: { offset: -1, bucketCounts: [4] } },
                    ],
                  },
                },
                {
                  name: 's',
                  summary: { dataPoints: [{ count: '2', quantileValues: [{ quantile: 0.5, value: 3 }, {}] }] },
                },
              ],
            },
          ],
        },
      ],
    };
    const { records, rejected } = decodeMetrics(body(metrics), 'json');
    assert.equal(rejected, 0);
    assert.equal(records.gauge[0].Value, Number.POSITIVE_INFINITY);
    assert.equal(records.gauge[0].Flags, 1);
    assert.deepEqual(records.gauge[0].MetricMetadataTypes, { m: 'bool' });
    const h = records.histogram[0];
    assert.deepEqual(
      [h.Count, h.Sum, h.Min, h.Max, h.BucketCounts, h.ExplicitBounds],
      ['3', 1.5, null, 9, ['1', '2'], [1, 2]],
    );
    const e = records.expHistogram[0];
    assert.deepEqual(
      [e.Scale, e.ZeroCount, e.ZeroThreshold, e.PositiveOffset, e.PositiveBucketCounts, e.Sum],
      [-2, '1', 0.5, -1, ['4'], null],
    );
    assert.deepEqual(records.summary[0]['ValueAtQuantiles.Quantile'], [0.5, 0]);
    assert.equal(records.summary[0].Sum, 0);
  });
});

describe('OTLP/JSON decode errors name the JSON path', () => {
  const span = (fields: Record<string, unknown>) => body(traces([{ traceId: TRACE_ID, spanId: SPAN_ID, ...fields }]));
  const at = '\\$\\.resourceSpans\\[0\\]\\.scopeSpans\\[0\\]\\.spans\\[0\\]';

  it('malformed JSON and non-object bodies', () => {
    throwsDecodeError(() => decodeTraces(body('{"resourceSpans": ['), 'json'), /malformed JSON/);
    throwsDecodeError(() => decodeTraces(body('[]'), 'json'), /not an object/);
    throwsDecodeError(() => decodeTraces(body('"x"'), 'json'), /not an object/);
    throwsDecodeError(() => decodeTraces(body(' '), 'json'), /malformed JSON/);
    // An empty body is not JSON either (protobuf's empty message has no JSON counterpart).
    throwsDecodeError(() => decodeTraces(new Uint8Array(0), 'json'), /malformed JSON/);
    throwsDecodeError(() => decodeLogs(new Uint8Array(0), 'json'), /malformed JSON/);
    throwsDecodeError(() => decodeMetrics(new Uint8Array(0), 'json'), /malformed JSON/);
  });

  it('wrong JSON types for known fields', () => {
    throwsDecodeError(
      () => decodeTraces(body({ resourceSpans: {} }), 'json'),
      /\$\.resourceSpans: expected an array, got an object/,
    );
    throwsDecodeError(
      () => decodeTraces(span({ name: 5 }), 'json'),
      new RegExp(`${at}\\.name: expected a string, got number 5`),
    );
    throwsDecodeError(
      () => decodeTraces(span({ traceId: 5 }), 'json'),
      new RegExp(`${at}\\.traceId: expected a hex string`),
    );
    throwsDecodeError(
      () => decodeTraces(span({ kind: 'SERVER' }), 'json'),
      new RegExp(`${at}\\.kind: expected an enum`),
    );
    throwsDecodeError(() => decodeTraces(span({ kind: 1.5 }), 'json'), /kind: expected an enum/);
    throwsDecodeError(
      () => decodeTraces(span({ droppedAttributesCount: -1 }), 'json'),
      /droppedAttributesCount: expected a uint32/,
    );
    throwsDecodeError(
      () => decodeTraces(span({ startTimeUnixNano: '-1' }), 'json'),
      /startTimeUnixNano: expected a uint64/,
    );
    throwsDecodeError(
      () => decodeTraces(span({ startTimeUnixNano: '18446744073709551616' }), 'json'),
      /expected a uint64/,
    );
    throwsDecodeError(
      () => decodeTraces(span({ events: [7] }), 'json'),
      new RegExp(`${at}\\.events\\[0\\]: expected an object`),
    );
    throwsDecodeError(
      () => decodeTraces(span({ attributes: [{ key: 'k', value: { intValue: '9223372036854775808' } }] }), 'json'),
      new RegExp(`${at}\\.attributes\\[0\\]\\.value\\.intValue: expected an int64`),
    );
    throwsDecodeError(
      () => decodeTraces(span({ attributes: [{ key: 'k', value: { intValue: 1.5 } }] }), 'json'),
      /intValue: expected an int64/,
    );
    throwsDecodeError(
      () => decodeTraces(span({ attributes: [{ key: 'k', value: { bytesValue: '!!' } }] }), 'json'),
      /bytesValue: expected a base64/,
    );
    throwsDecodeError(
      () => decodeTraces(span({ attributes: [{ key: 1 }] }), 'json'),
      /attributes\[0\]\.key: expected a string/,
    );
    throwsDecodeError(
      () => decodeTraces(span({ attributes: [{ key: 'k', value: { doubleValue: 'abc' } }] }), 'json'),
      /expected a double/,
    );
    throwsDecodeError(
      () =>
        decodeMetrics(
          body({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ sum: { isMonotonic: 'yes' } }] }] }] }),
          'json',
        ),
      /\$\.resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.sum\.isMonotonic: expected a boolean/,
    );
  });

  it('arrays and kvlists nested deeper than 32 levels', () => {
    const nested = (depth: number): unknown =>
      depth === 0 ? { stringValue: 'leaf' } : { arrayValue: { values: [nested(depth - 1)] } };
    const deep = (depth: number) => span({ attributes: [{ key: 'k', value: nested(depth) }] });
    assert.equal(decodeTraces(deep(32), 'json').records.length, 1);
    throwsDecodeError(() => decodeTraces(deep(33), 'json'), /nested deeper than 32 levels/);
  });

  it('JSON nested far beyond any OTLP depth does not overflow the stack', () => {
    const text = `{"resourceSpans":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    throwsDecodeError(() => decodeTraces(body(text), 'json'), /expected an object, got an array/);
  });
});
