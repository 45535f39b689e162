import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTraces, type SpanKindName, type StatusCodeName } from '../../src/index';
import { capturedBody, expectedAttributes, PROTOCOLS, type TruthValue, truth } from '../support/captured';

interface SpanTruth {
  resource: { attributes: Record<string, TruthValue>; schemaUrl: string };
  scope: { name: string; version: string; schemaUrl: string };
  traceId: string;
  spanId: string;
  traceState: string;
  traceFlags: number;
  parentSpanId: string;
  parentIsRemote: boolean;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, TruthValue>;
  droppedAttributesCount: number;
  events: {
    name: string;
    timeUnixNano: string;
    attributes: Record<string, TruthValue>;
    droppedAttributesCount: number;
  }[];
  droppedEventsCount: number;
  links: {
    traceId: string;
    spanId: string;
    traceState: string;
    traceFlags: number;
    isRemote: boolean;
    attributes: Record<string, TruthValue>;
    droppedAttributesCount: number;
  }[];
  droppedLinksCount: number;
  status: { code: number; message: string };
}

// The API numbers span kinds from INTERNAL = 0; OTLP from UNSPECIFIED = 0.
const KIND_BY_API_KIND: SpanKindName[] = ['Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const STATUS_BY_API_CODE: StatusCodeName[] = ['Unset', 'Ok', 'Error'];
/** trace.proto SpanFlags: W3C flags in the low byte, 0x100 = has is_remote, 0x200 = is_remote. */
const spanFlags = (traceFlags: number, isRemote: boolean) => traceFlags | 0x100 | (isRemote ? 0x200 : 0);

const { spans } = truth<{ spans: SpanTruth[] }>('traces.truth.json');

describe('traces captured from the official OpenTelemetry JS exporters', () => {
  it('covers every span kind, status code, events, links and dropped counts', () => {
    assert.deepEqual(new Set(spans.map((s) => s.kind)), new Set([0, 1, 2, 3, 4]));
    assert.deepEqual(new Set(spans.map((s) => s.status.code)), new Set([0, 1, 2]));
    assert.ok(spans.some((s) => (s.droppedAttributesCount > 0 && s.droppedEventsCount > 0) || s.droppedLinksCount > 0));
  });

  for (const protocol of PROTOCOLS) {
    it(`decodes the ${protocol} request field by field`, () => {
      const { body, format } = capturedBody('traces', protocol);
      const decoded = decodeTraces(body, format);
      assert.equal(decoded.rejected, 0);
      assert.equal(decoded.rejectionMessage, '');
      assert.deepEqual(
        decoded.records.map((r) => r.SpanId),
        spans.map((s) => s.spanId),
      );
      for (const [i, s] of spans.entries()) {
        const r = decoded.records[i];
        const resource = expectedAttributes(s.resource.attributes);
        assert.equal(r.ServiceName, 'checkout');
        assert.deepEqual(r.ResourceAttributes, resource.values);
        assert.deepEqual(r.ResourceAttributeTypes, resource.types);
        assert.equal(r.ResourceSchemaUrl, s.resource.schemaUrl);
        assert.equal(r.ResourceDroppedAttributesCount, 0);
        assert.equal(r.ScopeName, s.scope.name);
        assert.equal(r.ScopeVersion, s.scope.version);
        assert.equal(r.ScopeSchemaUrl, s.scope.schemaUrl);
        assert.deepEqual(r.ScopeAttributes, {});

        assert.equal(r.TraceId, s.traceId);
        assert.equal(r.ParentSpanId, s.parentSpanId);
        assert.equal(r.TraceState, s.traceState);
        assert.equal(r.Flags, spanFlags(s.traceFlags, s.parentIsRemote));
        assert.equal(r.SpanName, s.name);
        assert.equal(r.SpanKind, KIND_BY_API_KIND[s.kind]);
        assert.equal(r.Timestamp, s.startTimeUnixNano);
        assert.equal(r.Duration, (BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)).toString());
        const attributes = expectedAttributes(s.attributes);
        assert.deepEqual(r.SpanAttributes, attributes.values);
        assert.deepEqual(r.SpanAttributeTypes, attributes.types);
        assert.equal(r.DroppedAttributesCount, s.droppedAttributesCount);
        assert.equal(r.StatusCode, STATUS_BY_API_CODE[s.status.code]);
        assert.equal(r.StatusMessage, s.status.message);

        assert.deepEqual(
          r['Events.Name'],
          s.events.map((e) => e.name),
        );
        assert.deepEqual(
          r['Events.Timestamp'],
          s.events.map((e) => e.timeUnixNano),
        );
        assert.deepEqual(
          r['Events.Attributes'],
          s.events.map((e) => expectedAttributes(e.attributes).values),
        );
        assert.deepEqual(
          r['Events.AttributeTypes'],
          s.events.map((e) => expectedAttributes(e.attributes).types),
        );
        assert.deepEqual(
          r['Events.DroppedAttributesCount'],
          s.events.map((e) => e.droppedAttributesCount),
        );
        assert.equal(r.DroppedEventsCount, s.droppedEventsCount);

        assert.deepEqual(
          r['Links.TraceId'],
          s.links.map((l) => l.traceId),
        );
        assert.deepEqual(
          r['Links.SpanId'],
          s.links.map((l) => l.spanId),
        );
        assert.deepEqual(
          r['Links.TraceState'],
          s.links.map((l) => l.traceState),
        );
        assert.deepEqual(
          r['Links.Flags'],
          s.links.map((l) => spanFlags(l.traceFlags, l.isRemote)),
        );
        assert.deepEqual(
          r['Links.Attributes'],
          s.links.map((l) => expectedAttributes(l.attributes).values),
        );
        assert.deepEqual(
          r['Links.AttributeTypes'],
          s.links.map((l) => expectedAttributes(l.attributes).types),
        );
        assert.deepEqual(
          r['Links.DroppedAttributesCount'],
          s.links.map((l) => l.droppedAttributesCount),
        );
        assert.equal(r.DroppedLinksCount, s.droppedLinksCount);
      }
    });
  }

  it('keeps int64 extremes, 2^53 + 2 and a large integral double exact', () => {
    const { body, format } = capturedBody('traces', 'proto');
    const { records } = decodeTraces(body, format);
    const server = records.find((r) => r.SpanKind === 'Server')!;
    assert.equal(server.SpanAttributes['int.min_int64'], '-9223372036854775808');
    assert.equal(server.SpanAttributes['int.max_safe_plus_3'], '9007199254740994');
    assert.equal(server.SpanAttributes['double.big'], '1.5e+300');
    assert.equal(server.SpanAttributeTypes['double.big'], 'double');
    assert.equal(server.SpanAttributes['array.with_null'], '[{"stringValue":"x"},{},{"stringValue":"y"}]');
    // The SDK clamps a span that ends before it starts to zero duration (negative durations are
    // covered by the generated payloads).
    assert.equal(records.find((r) => r.SpanName === 'compute discount')!.Duration, '0');
  });

  it('decodes the JSON exporter (intValue 1.5e+300 included) to the same records as protobuf', () => {
    const json = capturedBody('traces', 'json');
    const proto = capturedBody('traces', 'proto');
    assert.match(Buffer.from(json.body).toString(), /"intValue":1\.5e\+300/);
    assert.deepStrictEqual(decodeTraces(json.body, 'json'), decodeTraces(proto.body, 'protobuf'));
  });
});
