import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLogs } from '../../src/index';
import {
  capturedBody,
  expectedAttributes,
  expectedValue,
  PROTOCOLS,
  type TruthValue,
  truth,
} from '../support/captured';

interface LogTruth {
  resource: { attributes: Record<string, TruthValue>; schemaUrl: string };
  scope: { name: string; version: string; schemaUrl: string; attributes: Record<string, TruthValue> };
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: TruthValue | { $absent: true };
  attributes: Record<string, TruthValue>;
  droppedAttributesCount: number;
  traceId: string;
  spanId: string;
  traceFlags: number;
  eventName: string;
}

const { logs } = truth<{ logs: LogTruth[] }>('logs.truth.json');

function expectedBody(body: LogTruth['body']) {
  if (body !== null && typeof body === 'object' && '$absent' in body) return { stored: '', type: 'empty' };
  return expectedValue(body as TruthValue);
}

describe('logs captured from the official OpenTelemetry JS exporters', () => {
  it('covers string, structured, array, int, double, bytes, bool and absent bodies', () => {
    const types = new Set(logs.map((l) => expectedBody(l.body).type));
    assert.deepEqual(types, new Set(['', 'kvlist', 'array', 'int', 'double', 'bytes', 'bool', 'empty']));
  });

  for (const protocol of PROTOCOLS) {
    it(`decodes the ${protocol} request field by field`, () => {
      const { body, format } = capturedBody('logs', protocol);
      const decoded = decodeLogs(body, format);
      assert.equal(decoded.rejected, 0);
      assert.equal(decoded.records.length, logs.length);
      for (const [i, l] of logs.entries()) {
        const r = decoded.records[i];
        const resource = expectedAttributes(l.resource.attributes);
        const scope = expectedAttributes(l.scope.attributes);
        assert.equal(r.ServiceName, 'checkout');
        assert.deepEqual(r.ResourceAttributes, resource.values);
        assert.deepEqual(r.ResourceAttributeTypes, resource.types);
        assert.equal(r.ResourceSchemaUrl, l.resource.schemaUrl);
        assert.equal(r.ScopeName, l.scope.name);
        assert.equal(r.ScopeVersion, l.scope.version);
        assert.equal(r.ScopeSchemaUrl, l.scope.schemaUrl);
        assert.deepEqual(r.ScopeAttributes, scope.values);
        assert.deepEqual(r.ScopeAttributeTypes, scope.types);
        assert.equal(r.Timestamp, l.timeUnixNano);
        assert.equal(r.ObservedTimestamp, l.observedTimeUnixNano);
        assert.equal(r.SeverityNumber, l.severityNumber);
        assert.equal(r.SeverityText, l.severityText);
        const bodyValue = expectedBody(l.body);
        assert.equal(r.Body, bodyValue.stored);
        assert.equal(r.BodyType, bodyValue.type);
        const attributes = expectedAttributes(l.attributes);
        assert.deepEqual(r.LogAttributes, attributes.values);
        assert.deepEqual(r.LogAttributeTypes, attributes.types);
        assert.equal(r.DroppedAttributesCount, l.droppedAttributesCount);
        assert.equal(r.TraceId, l.traceId);
        assert.equal(r.SpanId, l.spanId);
        assert.equal(r.TraceFlags, l.traceFlags);
        assert.equal(r.EventName, l.eventName);
      }
    });
  }

  it('stores a structured body with nested maps, mixed arrays, bytes and nulls as OTLP/JSON text', () => {
    const { body, format } = capturedBody('logs', 'grpc');
    const failed = decodeLogs(body, format).records.find((r) => r.EventName === 'checkout.failed')!;
    assert.equal(failed.BodyType, 'kvlist');
    const list = JSON.parse(failed.Body) as { key: string; value: Record<string, unknown> }[];
    assert.deepEqual(
      list.map((kv) => kv.key),
      ['order', 'mixed', 'blob', 'nothing', 'min.int64'],
    );
    assert.deepEqual(list[2].value, { bytesValue: 'AP8QIA==' });
    assert.deepEqual(list[3].value, {});
    assert.deepEqual(list[4].value, { intValue: '-9223372036854775808' });
    assert.equal(failed.LogAttributes['payload.bytes'], '3q2+7w==');
    assert.equal(failed.LogAttributeTypes['payload.bytes'], 'bytes');
    assert.equal(failed.LogAttributeTypes['absent.value'], 'empty');
  });
});
