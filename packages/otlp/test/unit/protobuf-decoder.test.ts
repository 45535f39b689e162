import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLogs, decodeMetrics, decodeTraces, OtlpDecodeError } from '../../src/index';
import {
  bytes,
  fBytes,
  fDouble,
  fFixed32,
  fFixed64,
  fLen,
  fString,
  fVarint,
  int,
  kv,
  LEN,
  SPAN_ID,
  span,
  str,
  TRACE_ID,
  tag,
  tracesRequest,
  UNKNOWN_FIELDS,
  varint,
} from '../support/pb';

function throwsDecodeError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${error}`);
    assert.match(error.message, message);
    return true;
  });
}

const onlySpan = (body: Uint8Array) => {
  const decoded = decodeTraces(body, 'protobuf');
  assert.equal(decoded.records.length, 1, decoded.rejectionMessage);
  return decoded.records[0];
};

describe('protobuf span decoding', () => {
  const fullSpan = span(
    TRACE_ID,
    SPAN_ID,
    fString(3, 'congo=t61rcWkgMzE'),
    fBytes(4, 'b7ad6b7169203331'),
    fString(5, 'GET /'),
    fVarint(6, 2),
    fFixed64(7, 1_700_000_000_000_000_000n),
    fFixed64(8, 1_700_000_000_250_000_000n),
    fLen(9, kv('http.method', str('GET'))),
    fVarint(10, 3),
    fLen(11, fFixed64(1, 1_700_000_000_100_000_000n), fString(2, 'ev'), fLen(3, kv('k', int(-1))), fVarint(4, 1)),
    fVarint(12, 4),
    fLen(
      13,
      fBytes(1, '11111111111111111111111111111111'),
      fBytes(2, '2222222222222222'),
      fString(3, 'a=b'),
      fFixed32(6, 0x301),
    ),
    fVarint(14, 5),
    fLen(15, fString(2, 'boom'), fVarint(3, 2)),
    fFixed32(16, 0x101),
  );

  it('decodes every Span field', () => {
    const r = onlySpan(tracesRequest([fullSpan]));
    assert.equal(r.TraceId, TRACE_ID);
    assert.equal(r.SpanId, SPAN_ID);
    assert.equal(r.TraceState, 'congo=t61rcWkgMzE');
    assert.equal(r.ParentSpanId, 'b7ad6b7169203331');
    assert.equal(r.SpanName, 'GET /');
    assert.equal(r.SpanKind, 'Server');
    assert.equal(r.Timestamp, '1700000000000000000');
    assert.equal(r.Duration, '250000000');
    assert.deepEqual(r.SpanAttributes, { 'http.method': 'GET' });
    assert.equal(r.DroppedAttributesCount, 3);
    assert.deepEqual(r['Events.Timestamp'], ['1700000000100000000']);
    assert.deepEqual(r['Events.Attributes'], [{ k: '-1' }]);
    assert.deepEqual(r['Events.AttributeTypes'], [{ k: 'int' }]);
    assert.deepEqual(r['Events.DroppedAttributesCount'], [1]);
    assert.equal(r.DroppedEventsCount, 4);
    assert.deepEqual(r['Links.TraceState'], ['a=b']);
    assert.deepEqual(r['Links.Flags'], [0x301]);
    assert.equal(r.DroppedLinksCount, 5);
    assert.equal(r.StatusCode, 'Error');
    assert.equal(r.StatusMessage, 'boom');
    assert.equal(r.Flags, 0x101);
    assert.equal(r.ServiceName, 'unknown_service');
  });

  it('skips unknown fields of every wire type, groups included, at every level', () => {
    const plain = decodeTraces(
      tracesRequest([fullSpan], fLen(1, kv('service.name', str('svc'))), fString(1, 'lib')),
      'protobuf',
    );
    const withUnknown = bytes(
      UNKNOWN_FIELDS,
      fLen(
        1,
        UNKNOWN_FIELDS,
        fLen(
          1,
          fLen(1, fString(1, 'service.name'), UNKNOWN_FIELDS, fLen(2, str('svc'), UNKNOWN_FIELDS)),
          UNKNOWN_FIELDS,
        ),
        fLen(2, fLen(1, fString(1, 'lib'), UNKNOWN_FIELDS), UNKNOWN_FIELDS, fLen(2, fullSpan, UNKNOWN_FIELDS)),
      ),
    );
    assert.deepStrictEqual(decodeTraces(withUnknown, 'protobuf'), plain);
    assert.equal(plain.records[0].ServiceName, 'svc');
  });

  it('accepts fields in any order (resource after its scopes, scope after its spans)', () => {
    const resource = fLen(1, fLen(1, kv('service.name', str('late'))));
    const scope = fLen(1, fString(1, 'lib'), fString(2, '1.0'));
    const reordered = bytes(
      fLen(
        1,
        fLen(2, fLen(2, fFixed32(16, 1), fBytes(2, SPAN_ID), fBytes(1, TRACE_ID)), scope, fString(3, 'scope-schema')),
        fString(3, 'res-schema'),
        resource,
      ),
    );
    const r = onlySpan(reordered);
    assert.equal(r.ServiceName, 'late');
    assert.equal(r.ScopeName, 'lib');
    assert.equal(r.ScopeVersion, '1.0');
    assert.equal(r.ScopeSchemaUrl, 'scope-schema');
    assert.equal(r.ResourceSchemaUrl, 'res-schema');
    assert.equal(r.Flags, 1);
  });

  it('keeps the last value of a repeated singular field and of duplicate attribute keys', () => {
    const r = onlySpan(
      tracesRequest([
        span(
          TRACE_ID,
          SPAN_ID,
          fString(5, 'first'),
          fString(5, 'second'),
          fLen(9, kv('k', int(1))),
          fLen(9, kv('k', str('text'))),
        ),
      ]),
    );
    assert.equal(r.SpanName, 'second');
    assert.deepEqual(r.SpanAttributes, { k: 'text' });
    assert.deepEqual(r.SpanAttributeTypes, {});
  });

  it('decodes every AnyValue kind, nested arrays and kvlists as OTLP/JSON text', () => {
    const nested = fLen(
      5,
      fLen(1, str('a')),
      fLen(1, fVarint(2, 1)),
      fLen(1, int(-9223372036854775808n)),
      fLen(1, fDouble(4, Number.NaN)),
      fLen(1, fBytes(7, '00ff')),
      fLen(1),
      fLen(1, fLen(6, fLen(1, fString(1, 'k'), fLen(2, fLen(5))))),
    );
    const r = onlySpan(
      tracesRequest([
        span(
          TRACE_ID,
          SPAN_ID,
          fLen(9, kv('s', str('ünï'))),
          fLen(9, kv('b', fVarint(2, 1))),
          fLen(9, kv('i', int(2n ** 63n - 1n))),
          fLen(9, kv('neg', int(-1))),
          fLen(9, kv('d', fDouble(4, 0.1))),
          fLen(9, kv('inf', fDouble(4, Number.NEGATIVE_INFINITY))),
          fLen(9, kv('bytes', fBytes(7, 'deadbeef'))),
          fLen(9, kv('empty', [])),
          fLen(9, fString(1, 'no-value')),
          fLen(9, kv('arr', nested)),
          fLen(9, kv('map', fLen(6, fLen(1, fString(1, 'x'), fLen(2, str('y')))))),
          fLen(9, kv('oneof', [...str('first'), ...int(2)])),
        ),
      ]),
    );
    assert.deepEqual(r.SpanAttributes, {
      s: 'ünï',
      b: 'true',
      i: '9223372036854775807',
      neg: '-1',
      d: '0.1',
      inf: '-Infinity',
      bytes: '3q2+7w==',
      empty: '',
      'no-value': '',
      arr: '[{"stringValue":"a"},{"boolValue":true},{"intValue":"-9223372036854775808"},{"doubleValue":"NaN"},{"bytesValue":"AP8="},{},{"kvlistValue":{"values":[{"key":"k","value":{"arrayValue":{"values":[]}}}]}}]',
      map: '[{"key":"x","value":{"stringValue":"y"}}]',
      oneof: '2',
    });
    assert.deepEqual(r.SpanAttributeTypes, {
      b: 'bool',
      i: 'int',
      neg: 'int',
      d: 'double',
      inf: 'double',
      bytes: 'bytes',
      empty: 'empty',
      'no-value': 'empty',
      arr: 'array',
      map: 'kvlist',
      oneof: 'int',
    });
  });

  it('reads uint32 fields from over-long varints and enums sign-extended to ten bytes', () => {
    const r = onlySpan(tracesRequest([span(TRACE_ID, SPAN_ID, fVarint(10, 2n ** 32n + 5n), fVarint(6, -1))]));
    assert.equal(r.DroppedAttributesCount, 5);
    assert.equal(r.SpanKind, 'Unspecified');
  });

  it('replaces invalid UTF-8 with U+FFFD instead of failing', () => {
    const r = onlySpan(tracesRequest([span(TRACE_ID, SPAN_ID, fLen(5, [0x61, 0xff, 0xc3]))]));
    assert.equal(r.SpanName, 'a\ufffd\ufffd');
  });

  it('computes an exact, possibly negative, duration from uint64 times', () => {
    const times = (start: bigint, end: bigint) =>
      onlySpan(tracesRequest([span(TRACE_ID, SPAN_ID, fFixed64(7, start), fFixed64(8, end))]));
    assert.equal(times(1_700_000_000_000_000_001n, 1_700_000_000_000_000_000n).Duration, '-1');
    assert.equal(times(0n, 2n ** 64n - 1n).Duration, '18446744073709551615');
    assert.equal(times(2n ** 64n - 1n, 0n).Duration, '-18446744073709551615');
    assert.equal(times(2n ** 64n - 1n, 0n).Timestamp, '18446744073709551615');
  });

  it('treats an all-zero parent span id as a root span', () => {
    assert.equal(onlySpan(tracesRequest([span(TRACE_ID, SPAN_ID, fBytes(4, '0000000000000000'))])).ParentSpanId, '');
  });

  it('decodes an empty body, and a body of unknown fields only, as an empty request', () => {
    assert.deepStrictEqual(decodeTraces(new Uint8Array(0), 'protobuf'), {
      records: [],
      rejected: 0,
      rejectionMessage: '',
    });
    assert.deepStrictEqual(decodeTraces(bytes(UNKNOWN_FIELDS), 'protobuf').records, []);
  });
});

describe('protobuf decode errors', () => {
  it('a truncated varint names its byte offset', () => {
    throwsDecodeError(() => decodeTraces(bytes([0x0a, 0x80]), 'protobuf'), /truncated varint at byte 2/);
  });

  it('a length past the end of the enclosing message', () => {
    throwsDecodeError(
      () => decodeTraces(bytes([0x0a, 0x05, 0x12, 0x10, 0x00]), 'protobuf'),
      /length 5 at byte 1 runs past the end of its enclosing message \(byte 5\)/,
    );
    throwsDecodeError(
      () => decodeTraces(bytes([0x0a, 0x03, 0x0a, 0x05, 0x00]), 'protobuf'),
      /length 5 at byte 3 runs past the end of its enclosing message \(byte 5\)/,
    );
    throwsDecodeError(() => decodeTraces(bytes(tag(1, LEN), varint(2n ** 32n - 1n)), 'protobuf'), /runs past/);
  });

  it('a known field with the wrong wire type names the message and field', () => {
    throwsDecodeError(
      () => decodeTraces(tracesRequest([[...fVarint(1, 7), ...fBytes(2, SPAN_ID)]]), 'protobuf'),
      /Span field 1 has unexpected wire type VARINT/,
    );
    throwsDecodeError(() => decodeTraces(bytes(fVarint(1, 1)), 'protobuf'), /ExportTraceServiceRequest field 1/);
    throwsDecodeError(
      () => decodeLogs(bytes(fLen(1, fLen(2, fLen(2, fVarint(5, 1))))), 'protobuf'),
      /LogRecord field 5/,
    );
  });

  it('field number 0, invalid wire types and unbalanced groups', () => {
    throwsDecodeError(() => decodeTraces(bytes([0x00, 0x00]), 'protobuf'), /invalid field number 0/);
    throwsDecodeError(
      () => decodeTraces(bytes([0x0e]), 'protobuf'),
      /invalid wire type 6 in ExportTraceServiceRequest/,
    );
    throwsDecodeError(() => decodeTraces(bytes(tag(900, 4)), 'protobuf'), /invalid wire type EGROUP/);
    throwsDecodeError(() => decodeTraces(bytes(tag(900, 3), fVarint(1, 1)), 'protobuf'), /truncated varint/);
    throwsDecodeError(() => decodeTraces(bytes(tag(900, 3), tag(901, 4)), 'protobuf'), /mismatched end group/);
  });

  it('a varint longer than ten bytes', () => {
    throwsDecodeError(
      () => decodeTraces(bytes(tag(900, 0), Array(10).fill(0xff), [0x01]), 'protobuf'),
      /varint longer than 10 bytes/,
    );
  });

  it('truncated fixed-width values', () => {
    throwsDecodeError(() => decodeTraces(tracesRequest([[...tag(7, 1), 1, 2, 3]]), 'protobuf'), /truncated fixed64/);
    throwsDecodeError(() => decodeTraces(tracesRequest([[...tag(16, 5), 1]]), 'protobuf'), /truncated fixed32/);
  });

  it('AnyValues nested deeper than 32 levels', () => {
    const nestedArray = (depth: number): number[] =>
      depth === 0 ? str('leaf') : fLen(5, fLen(1, nestedArray(depth - 1)));
    const body = (depth: number) => tracesRequest([span(TRACE_ID, SPAN_ID, fLen(9, kv('deep', nestedArray(depth))))]);
    assert.equal(decodeTraces(body(32), 'protobuf').records.length, 1);
    throwsDecodeError(() => decodeTraces(body(33), 'protobuf'), /AnyValue nested deeper than 32 levels/);
    throwsDecodeError(() => decodeTraces(body(300), 'protobuf'), /AnyValue nested deeper than 32 levels at byte \d+/);
  });
});

describe('protobuf metric decoding', () => {
  const request = (...metrics: number[][]) => bytes(fLen(1, fLen(2, ...metrics.map((m) => fLen(2, m)))));

  it('reads packed and unpacked repeated scalars alike', () => {
    const packed = fLen(
      9,
      fLen(
        1,
        fFixed64(4, 3),
        fLen(6, [...Buffer.from(new BigUint64Array([1n, 2n]).buffer)]),
        fLen(7, [...Buffer.from(new Float64Array([0.5]).buffer)]),
      ),
    );
    const unpacked = fLen(9, fLen(1, fFixed64(4, 3), fFixed64(6, 1), fDouble(7, 0.5), fFixed64(6, 2)));
    const a = decodeMetrics(request([...fString(1, 'h'), ...packed]), 'protobuf').records.histogram[0];
    const b = decodeMetrics(request([...fString(1, 'h'), ...unpacked]), 'protobuf').records.histogram[0];
    assert.deepEqual(a.BucketCounts, ['1', '2']);
    assert.deepEqual(a.ExplicitBounds, [0.5]);
    assert.deepStrictEqual(a, b);
    assert.equal(a.Sum, null);
    assert.equal(a.Min, null);

    const expPacked = fLen(10, fLen(1, fLen(8, fVarint(1, 5), fLen(2, [...varint(7), ...varint(2n ** 64n - 1n)]))));
    const expUnpacked = fLen(10, fLen(1, fLen(8, fVarint(2, 7), fVarint(1, 5), fVarint(2, 2n ** 64n - 1n))));
    const c = decodeMetrics(request([...fString(1, 'e'), ...expPacked]), 'protobuf').records.expHistogram[0];
    const d = decodeMetrics(request([...fString(1, 'e'), ...expUnpacked]), 'protobuf').records.expHistogram[0];
    assert.deepEqual(c.PositiveBucketCounts, ['7', '18446744073709551615']);
    assert.equal(c.PositiveOffset, -3); // zigzag 5
    assert.deepStrictEqual(c, d);
  });

  it('decodes sint32 scale and offsets with zigzag', () => {
    const zigzag = (n: number) => (n << 1) ^ (n >> 31);
    const exp = fLen(10, fLen(1, fVarint(6, zigzag(-4) >>> 0), fLen(9, fVarint(1, zigzag(-2) >>> 0))));
    const p = decodeMetrics(request([...fString(1, 'e'), ...exp]), 'protobuf').records.expHistogram[0];
    assert.equal(p.Scale, -4);
    assert.equal(p.NegativeOffset, -2);
  });

  it('keeps the metric data type whatever the field order and reads Metric.metadata', () => {
    const metric = [
      ...fLen(7, fVarint(3, 1), fLen(1, fFixed64(6, -5n), fFixed64(3, 10)), fVarint(2, 2)),
      ...fLen(12, kv('m', str('v'))),
      ...fString(1, 'requests'),
    ];
    const p = decodeMetrics(request(metric), 'protobuf').records.sum[0];
    assert.equal(p.MetricName, 'requests');
    assert.equal(p.IntValue, '-5');
    assert.equal(p.Value, -5);
    assert.equal(p.TimeUnix, '10');
    assert.equal(p.AggregationTemporality, 2);
    assert.equal(p.IsMonotonic, true);
    assert.deepEqual(p.MetricMetadata, { m: 'v' });
  });

  it('decodes exemplars with as_int, as_double, ids and filtered attributes', () => {
    const gauge = fLen(
      5,
      fLen(
        1,
        fDouble(4, 1.5),
        fLen(
          5,
          fFixed64(6, 2n ** 63n),
          fBytes(4, SPAN_ID),
          fBytes(5, TRACE_ID),
          fLen(7, kv('user', str('u1'))),
          fFixed64(2, 42),
        ),
        fLen(5, fDouble(3, 0.25)),
      ),
    );
    const p = decodeMetrics(request(gauge), 'protobuf').records.gauge[0];
    assert.equal(p.Value, 1.5);
    assert.equal(p.IntValue, null);
    assert.deepEqual(p['Exemplars.IntValue'], ['-9223372036854775808', null]);
    assert.deepEqual(p['Exemplars.Value'], [-(2 ** 63), 0.25]);
    assert.deepEqual(p['Exemplars.TraceId'], [TRACE_ID, '']);
    assert.deepEqual(p['Exemplars.SpanId'], [SPAN_ID, '']);
    assert.deepEqual(p['Exemplars.TimeUnix'], ['42', '0']);
    assert.deepEqual(p['Exemplars.FilteredAttributes'], [{ user: 'u1' }, {}]);
  });

  it('decodes summaries with quantiles', () => {
    const summary = fLen(
      11,
      fLen(
        1,
        fFixed64(4, 9),
        fDouble(5, 4.5),
        fLen(6, fDouble(1, 0.5), fDouble(2, 1)),
        fLen(6, fDouble(1, 0.99)),
        fVarint(8, 1),
      ),
    );
    const p = decodeMetrics(request(summary), 'protobuf').records.summary[0];
    assert.equal(p.Count, '9');
    assert.equal(p.Sum, 4.5);
    assert.deepEqual(p['ValueAtQuantiles.Quantile'], [0.5, 0.99]);
    assert.deepEqual(p['ValueAtQuantiles.Value'], [1, 0]);
    assert.equal(p.Flags, 1);
  });

  it('a wrong wire type inside a data point is an error', () => {
    throwsDecodeError(
      () => decodeMetrics(request(fLen(5, fLen(1, fVarint(4, 1)))), 'protobuf'),
      /NumberDataPoint field 4 has unexpected wire type VARINT/,
    );
    throwsDecodeError(
      () => decodeMetrics(request(fLen(9, fLen(1, fLen(6, [1, 2, 3])))), 'protobuf'),
      /truncated fixed64/,
    );
  });

  it('ignores a tag for data of another type, e.g. is_monotonic on a gauge', () => {
    const gauge = fLen(5, fVarint(3, 1), fLen(1, fDouble(4, 2)));
    assert.equal(decodeMetrics(request(gauge), 'protobuf').records.gauge[0].Value, 2);
  });
});
