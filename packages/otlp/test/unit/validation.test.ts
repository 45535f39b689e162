import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLogs, decodeMetrics, decodeTraces } from '../../src/index';
import { bytes, fBytes, fDouble, fLen, fString, SPAN_ID, span, TRACE_ID, tracesRequest } from '../support/pb';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const jsonTraces = (spans: unknown[]) => json({ resourceSpans: [{ scopeSpans: [{ spans }] }] });

describe('invalid spans are rejected, the rest kept (partial success)', () => {
  const ZERO_TRACE = '00000000000000000000000000000000';

  it('protobuf: bad trace ids, span ids and parent ids, with one reason', () => {
    const decoded = decodeTraces(
      tracesRequest([
        span('0102', SPAN_ID),
        span(ZERO_TRACE, SPAN_ID, fString(5, 'zero')),
        span(TRACE_ID, SPAN_ID, fString(5, 'good')),
      ]),
      'protobuf',
    );
    assert.deepEqual(
      decoded.records.map((r) => r.SpanName),
      ['good'],
    );
    assert.equal(decoded.rejected, 2);
    assert.equal(decoded.rejectionMessage, '2 spans rejected: invalid trace_id (must be 16 bytes, not all zero)');
  });

  it('protobuf: several reasons are counted separately', () => {
    const decoded = decodeTraces(
      tracesRequest([
        [...fBytes(2, SPAN_ID)],
        span(TRACE_ID, '0000000000000000'),
        span(TRACE_ID, 'aabbcc'),
        span(TRACE_ID, SPAN_ID, fBytes(4, '0102030405')),
        span(TRACE_ID, SPAN_ID),
      ]),
      'protobuf',
    );
    assert.equal(decoded.records.length, 1);
    assert.equal(decoded.rejected, 4);
    assert.equal(
      decoded.rejectionMessage,
      '4 spans rejected: 1 invalid trace_id (must be 16 bytes, not all zero); 2 invalid span_id (must be 8 bytes, not all zero); 1 invalid parent_span_id (must be empty or 8 bytes)',
    );
  });

  it('JSON: the same rules, plus ids that are neither hex nor base64', () => {
    const decoded = decodeTraces(
      jsonTraces([
        { traceId: '', spanId: SPAN_ID },
        { traceId: 'not-an-id!', spanId: SPAN_ID },
        { traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: 'abc' },
        { traceId: TRACE_ID, spanId: SPAN_ID, links: [{ traceId: 'zz', spanId: SPAN_ID }] },
        { traceId: TRACE_ID, spanId: SPAN_ID, name: 'good' },
      ]),
      'json',
    );
    assert.deepEqual(
      decoded.records.map((r) => r.SpanName),
      ['good'],
    );
    assert.equal(decoded.rejected, 4);
    assert.match(
      decoded.rejectionMessage,
      /^4 spans rejected: 2 invalid trace_id .*; 1 invalid parent_span_id .*; 1 invalid link/,
    );
  });

  it('one rejected span says "span"', () => {
    assert.equal(
      decodeTraces(jsonTraces([{ spanId: SPAN_ID }]), 'json').rejectionMessage,
      '1 span rejected: invalid trace_id (must be 16 bytes, not all zero)',
    );
  });
});

describe('log records: ids are optional but must have the right length', () => {
  const logs = (records: unknown[]) => json({ resourceLogs: [{ scopeLogs: [{ logRecords: records }] }] });

  it('accepts absent and all-zero ids (stored as empty), rejects wrong lengths', () => {
    const decoded = decodeLogs(
      logs([
        { body: { stringValue: 'no ids' } },
        { traceId: '00000000000000000000000000000000', spanId: '0000000000000000', body: { stringValue: 'zero ids' } },
        { traceId: TRACE_ID, spanId: SPAN_ID, body: { stringValue: 'in span' } },
        { traceId: TRACE_ID.slice(2), body: { stringValue: 'short trace id' } },
        { traceId: TRACE_ID, spanId: '01', body: { stringValue: 'short span id' } },
      ]),
      'json',
    );
    assert.deepEqual(
      decoded.records.map((r) => [r.Body, r.TraceId, r.SpanId]),
      [
        ['no ids', '', ''],
        ['zero ids', '', ''],
        ['in span', TRACE_ID, SPAN_ID],
      ],
    );
    assert.equal(decoded.rejected, 2);
    assert.equal(
      decoded.rejectionMessage,
      '2 log records rejected: 1 invalid trace_id (must be empty or 16 bytes); 1 invalid span_id (must be empty or 8 bytes)',
    );
  });

  it('protobuf: the same', () => {
    const body = bytes(fLen(1, fLen(2, fLen(2, fBytes(9, 'ff')), fLen(2, fBytes(10, SPAN_ID)))));
    const decoded = decodeLogs(body, 'protobuf');
    assert.equal(decoded.records.length, 1);
    assert.equal(decoded.records[0].SpanId, SPAN_ID);
    assert.equal(decoded.rejected, 1);
  });
});

describe('metrics: points of an unknown or unset type, or without a value, are rejected', () => {
  it('JSON', () => {
    const decoded = decodeMetrics(
      json({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  { name: 'no data' },
                  { name: 'future type', someFutureType: { dataPoints: [{}] } },
                  { name: 'g', gauge: { dataPoints: [{ asDouble: 1 }, { timeUnixNano: '5' }] } },
                  { name: 'bad exemplar', gauge: { dataPoints: [{ asInt: 1, exemplars: [{ traceId: 'abcd' }] }] } },
                ],
              },
            ],
          },
        ],
      }),
      'json',
    );
    assert.equal(decoded.records.gauge.length, 1);
    assert.equal(decoded.rejected, 4);
    assert.match(
      decoded.rejectionMessage,
      /^4 data points rejected: 2 metric without a known data type .*; 1 number data point without a value .*; 1 invalid exemplar/,
    );
  });

  it('protobuf, including the int_gauge type removed from OTLP', () => {
    const metric = (...fields: number[][]) => fLen(2, ...fields);
    const body = bytes(
      fLen(
        1,
        fLen(
          2,
          metric(fString(1, 'old int gauge'), fLen(4, fLen(1))),
          metric(fString(1, 'unset')),
          metric(fString(1, 'ok'), fLen(5, fLen(1, fDouble(4, 1)), fLen(1))),
        ),
      ),
    );
    const decoded = decodeMetrics(body, 'protobuf');
    assert.deepEqual(
      decoded.records.gauge.map((p) => p.MetricName),
      ['ok'],
    );
    assert.equal(decoded.rejected, 3);
  });
});
