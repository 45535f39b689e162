import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Attributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as LogsGrpc } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as LogsJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as MetricsGrpc } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as MetricsJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as TracesGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as TracesJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTestServer, type TestServer } from '../helpers';

type Protocol = 'http/protobuf' | 'http/json' | 'grpc';
const PROTOCOLS: Protocol[] = ['http/protobuf', 'http/json', 'grpc'];

function exporters(server: TestServer, protocol: Protocol) {
  const http = server.urls.otlpHttp;
  const grpc = `http://${server.urls.otlpGrpc}`;
  switch (protocol) {
    case 'http/protobuf':
      return {
        traces: new TracesProto({ url: `${http}/v1/traces` }),
        logs: new LogsProto({ url: `${http}/v1/logs` }),
        metrics: new MetricsProto({ url: `${http}/v1/metrics` }),
      };
    case 'http/json':
      return {
        traces: new TracesJson({ url: `${http}/v1/traces` }),
        logs: new LogsJson({ url: `${http}/v1/logs` }),
        metrics: new MetricsJson({ url: `${http}/v1/metrics` }),
      };
    case 'grpc':
      return {
        traces: new TracesGrpc({ url: grpc }),
        logs: new LogsGrpc({ url: grpc }),
        metrics: new MetricsGrpc({ url: grpc, temporalityPreference: AggregationTemporality.DELTA }),
      };
  }
}

const spanAttributes: Attributes = {
  'http.request.method': 'POST',
  'http.response.status_code': 503,
  'retry.ratio': 0.125,
  'cache.hit': false,
  'tags.list': ['a', 'b'],
  'ints.list': [1, 2, 3],
  'unicode.text': 'ünïcødé ✓ "quoted"\nnewline',
};

/** The OTLP/JSON AnyValue the SDK sends for a JS attribute value. */
function anyValue(v: unknown): unknown {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  throw new Error(`unexpected ${v}`);
}

const kv = (attrs: Attributes) =>
  Object.entries(attrs)
    .map(([key, value]) => ({ key, value: anyValue(value) }))
    .sort((a, b) => a.key.localeCompare(b.key));

/** Normalises OTLP/JSON attribute lists for comparison (order is not significant). */
const sortKv = (list: { key: string }[] | undefined) => [...(list ?? [])].sort((a, b) => a.key.localeCompare(b.key));

const hrToNs = (t: [number, number]) => (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();

describe('OTLP round trip with the official OpenTelemetry JS exporters', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  for (const protocol of PROTOCOLS) {
    test(`traces over ${protocol}: the API returns what was sent, field by field`, async () => {
      const { traces } = exporters(server, protocol);
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({
          'service.name': `rt-${protocol}`,
          'service.version': '1.2.3',
          'host.cpus': 8,
        }),
        spanProcessors: [new SimpleSpanProcessor(traces)],
      });
      const tracer = provider.getTracer('roundtrip-test', '0.0.1');
      const linkTarget = tracer.startSpan('link-target');
      linkTarget.end();
      const root = tracer.startSpan('POST /orders', { kind: SpanKind.SERVER, attributes: spanAttributes });
      const { trace, context } = await import('@opentelemetry/api');
      const ctx = trace.setSpan(context.active(), root);
      const child = tracer.startSpan(
        'SELECT orders',
        {
          kind: SpanKind.CLIENT,
          links: [{ context: linkTarget.spanContext(), attributes: { 'link.reason': 'retry' } }],
        },
        ctx,
      );
      child.addEvent('exception', { 'exception.type': 'Timeout', 'exception.count': 2 });
      child.setStatus({ code: SpanStatusCode.ERROR, message: 'deadline exceeded' });
      child.end();
      root.setStatus({ code: SpanStatusCode.OK });
      root.end();
      await provider.forceFlush();
      await provider.shutdown();

      const traceId = root.spanContext().traceId;
      const res = await server.get(`/api/v1/traces/${traceId}`);
      assert.equal(res.status, 200);
      const [rs] = res.body.resourceSpans;
      assert.equal(res.body.resourceSpans.length, 1);
      assert.deepEqual(
        sortKv(rs.resource.attributes).find((a: { key: string }) => a.key === 'host.cpus'),
        {
          key: 'host.cpus',
          value: { intValue: '8' },
        },
      );
      const [ss] = rs.scopeSpans;
      assert.deepEqual(ss.scope.name, 'roundtrip-test');
      assert.deepEqual(ss.scope.version, '0.0.1');
      const byName = Object.fromEntries(ss.spans.map((s: { name: string }) => [s.name, s]));

      const r = byName['POST /orders'];
      const sdkRoot = root as unknown as { startTime: [number, number]; endTime: [number, number] };
      assert.equal(r.traceId, traceId);
      assert.equal(r.spanId, root.spanContext().spanId);
      assert.equal(r.kind, 2);
      assert.equal(r.startTimeUnixNano, hrToNs(sdkRoot.startTime));
      assert.equal(r.endTimeUnixNano, hrToNs(sdkRoot.endTime));
      assert.deepEqual(sortKv(r.attributes), kv(spanAttributes));
      assert.equal(r.status.code, 1);

      const c = byName['SELECT orders'];
      assert.equal(c.parentSpanId, root.spanContext().spanId);
      assert.equal(c.kind, 3);
      assert.deepEqual(c.status, { code: 2, message: 'deadline exceeded' });
      assert.equal(c.events.length, 1);
      assert.equal(c.events[0].name, 'exception');
      assert.deepEqual(sortKv(c.events[0].attributes), kv({ 'exception.type': 'Timeout', 'exception.count': 2 }));
      assert.equal(c.links.length, 1);
      assert.equal(c.links[0].traceId, linkTarget.spanContext().traceId);
      assert.equal(c.links[0].spanId, linkTarget.spanContext().spanId);
      assert.deepEqual(c.links[0].attributes, [{ key: 'link.reason', value: { stringValue: 'retry' } }]);
    });

    test(`logs over ${protocol}: bodies of every type, severity and trace context survive`, async () => {
      const { logs } = exporters(server, protocol);
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': `logs-${protocol}` }),
        processors: [new SimpleLogRecordProcessor({ exporter: logs })],
      });
      const logger = provider.getLogger('roundtrip-logs');
      const traceId = 'aa'.repeat(8) + PROTOCOLS.indexOf(protocol).toString(16).padStart(16, '0');
      const spanId = 'bb'.repeat(8);
      const spanContext = { traceId, spanId, traceFlags: 1 };
      const { trace, context } = await import('@opentelemetry/api');
      const ctx = trace.setSpanContext(context.active(), spanContext);
      const bodies: unknown[] = [
        'payment declined',
        { order: { id: 42, items: ['a', 'b'] }, ok: false },
        12.5,
        new Uint8Array([0, 1, 2, 255]),
      ];
      const t0 = Date.now();
      for (const [i, body] of bodies.entries()) {
        logger.emit({
          body: body as string,
          severityNumber: SeverityNumber.WARN,
          severityText: 'WARN',
          attributes: { seq: i, 'user.id': 'u-42' },
          context: ctx,
          timestamp: t0 + i,
        });
      }
      await provider.forceFlush();
      await provider.shutdown();

      const res = await server.get(`/api/v1/logs?traceId=${traceId}&limit=10`);
      assert.equal(res.status, 200);
      const got = res.body.logs.sort(
        (a: { attributes: { seq: number } }, b: { attributes: { seq: number } }) => a.attributes.seq - b.attributes.seq,
      );
      assert.equal(got.length, bodies.length);
      assert.deepEqual(got[0].body, 'payment declined');
      assert.deepEqual(got[1].body, { order: { id: 42, items: ['a', 'b'] }, ok: false });
      assert.deepEqual(got[2].body, 12.5);
      assert.deepEqual(got[3].body, Buffer.from([0, 1, 2, 255]).toString('base64'));
      for (const [i, l] of got.entries()) {
        assert.equal(l.traceId, traceId);
        assert.equal(l.spanId, spanId);
        assert.equal(l.severityNumber, SeverityNumber.WARN);
        assert.equal(l.severityText, 'WARN');
        assert.equal(l.serviceName, `logs-${protocol}`);
        assert.deepEqual(l.attributes, { seq: i, 'user.id': 'u-42' });
        assert.equal(l.timeUnixNano, String(BigInt(t0 + i) * 1_000_000n));
      }
    });

    test(`metrics over ${protocol}: sums, gauges and histograms with their values`, async () => {
      const { metrics } = exporters(server, protocol);
      const reader = new PeriodicExportingMetricReader({ exporter: metrics, exportIntervalMillis: 3_600_000 });
      const provider = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': `metrics-${protocol}` }),
        readers: [reader],
      });
      const meter = provider.getMeter('roundtrip-metrics');
      const counter = meter.createCounter('orders.placed', { unit: '{order}' });
      counter.add(3, { region: 'eu' });
      counter.add(4, { region: 'eu' });
      const gauge = meter.createGauge('queue.depth');
      gauge.record(17.5, { queue: 'q1' });
      const histogram = meter.createHistogram('rpc.duration', { unit: 's' });
      for (const v of [0.003, 0.02, 0.02, 4]) histogram.record(v);
      await provider.forceFlush();
      await provider.shutdown();

      const service = `metrics-${protocol}`;
      const res = await server.get(`/api/v1/metrics?service=${service}`);
      assert.equal(res.status, 200);
      const byName = Object.fromEntries(res.body.series.map((s: { name: string }) => [s.name, s]));
      const sum = byName['orders.placed'];
      assert.equal(sum.type, 'sum');
      assert.equal(sum.unit, '{order}');
      assert.deepEqual(sum.attributes, { region: 'eu' });
      assert.equal(sum.points.at(-1).value, 7);
      assert.equal(sum.points.at(-1).isMonotonic, true);
      const g = byName['queue.depth'];
      assert.equal(g.type, 'gauge');
      assert.equal(g.points.at(-1).value, 17.5);
      const h = byName['rpc.duration'];
      assert.equal(h.type, 'histogram');
      const p = h.points.at(-1);
      assert.equal(p.count, '4');
      assert.ok(Math.abs(p.sum - 4.043) < 1e-9);
      assert.equal(p.min, 0.003);
      assert.equal(p.max, 4);
      assert.equal(
        p.bucketCounts.reduce((a: number, b: string) => a + Number(b), 0),
        4,
      );
      assert.equal(p.bucketCounts.length, p.explicitBounds.length + 1);
    });
  }

  test('an unknown trace is 404 with a JSON error; a malformed id is 400', async () => {
    const missing = await server.get(`/api/v1/traces/${'ab'.repeat(16)}`);
    assert.equal(missing.status, 404);
    assert.match(missing.body.error, /not found/);
    const bad = await server.get('/api/v1/traces/not-an-id');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /32 hex/);
  });
});
