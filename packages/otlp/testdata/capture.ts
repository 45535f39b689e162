// Captures real OTLP request bodies from the official OpenTelemetry JS exporters (proto, JSON
// and gRPC, for traces, logs and metrics) and writes them next to a ground-truth description
// of what the SDK handed to each exporter.
//
//   node --import tsx packages/otlp/testdata/capture.ts
//
// Spans and logs use fixed ids and timestamps, so re-running only changes the metrics files
// (their timestamps come from the SDK's clock). Known limits of SDK 2.12 / 0.223, which the
// payloads therefore do not contain: span attributes are primitives or homogeneous arrays only
// (bytes, maps and nested arrays are exercised through log attributes and bodies); integers
// are JS numbers, so 9007199254740993 cannot be sent (9007199254740994 = 2^53 + 2 and
// -9223372036854775808 = -2^63 are exact doubles and are sent); metrics carry no exemplars.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { type Attributes, context, type Link, SpanKind, SpanStatusCode, trace, ValueType } from '@opentelemetry/api';
import { type AnyValue, SeverityNumber } from '@opentelemetry/api-logs';
import { type ExportResult, TraceState } from '@opentelemetry/core';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  AggregationType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

const here = dirname(fileURLToPath(import.meta.url));
type Protocol = 'proto' | 'json' | 'grpc';
const PROTOCOLS: Protocol[] = ['proto', 'json', 'grpc'];
const SCHEMA_URL = 'https://opentelemetry.io/schemas/1.26.0';
const BASE_SECONDS = 1_700_000_000;

// ---- capture servers -----------------------------------------------------------------------

const captured = new Map<string, Buffer[]>();
function record(key: string, body: Buffer): void {
  captured.set(key, [...(captured.get(key) ?? []), body]);
}

async function startHttp(): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const json = String(req.headers['content-type']).includes('json');
      record(`http ${json ? 'json' : 'proto'} ${req.url}`, body);
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : '');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

async function startGrpc(): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  const identity = (b: Buffer) => b;
  for (const [pkg, service] of [
    ['trace', 'TraceService'],
    ['logs', 'LogsService'],
    ['metrics', 'MetricsService'],
  ]) {
    const path = `/opentelemetry.proto.collector.${pkg}.v1.${service}/Export`;
    server.register<Buffer, Buffer>(
      path,
      (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        record(`grpc ${path}`, call.request);
        callback(null, Buffer.alloc(0));
      },
      identity,
      identity,
      'unary',
    );
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, port };
}

// ---- ground truth --------------------------------------------------------------------------

/** JSON for ground truth: hrtimes as exact ns strings, bytes tagged, -0/NaN never occur here. */
function nanos(hr: [number, number]): string {
  return (BigInt(hr[0]) * 1_000_000_000n + BigInt(hr[1])).toString();
}
function truthValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(truthValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, truthValue(v)]));
  }
  return value === undefined ? null : value;
}

function spanTruth(s: ReadableSpan) {
  return {
    resource: { attributes: truthValue(s.resource.attributes), schemaUrl: s.resource.schemaUrl ?? '' },
    scope: s.instrumentationScope,
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    traceState: s.spanContext().traceState?.serialize() ?? '',
    traceFlags: s.spanContext().traceFlags,
    parentSpanId: s.parentSpanContext?.spanId ?? '',
    parentIsRemote: s.parentSpanContext?.isRemote ?? false,
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: nanos(s.startTime),
    endTimeUnixNano: nanos(s.endTime),
    attributes: truthValue(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events.map((e) => ({
      name: e.name,
      timeUnixNano: nanos(e.time),
      attributes: truthValue(e.attributes ?? {}),
      droppedAttributesCount: e.droppedAttributesCount ?? 0,
    })),
    droppedEventsCount: s.droppedEventsCount,
    links: s.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      traceState: l.context.traceState?.serialize() ?? '',
      traceFlags: l.context.traceFlags,
      isRemote: l.context.isRemote ?? false,
      attributes: truthValue(l.attributes ?? {}),
      droppedAttributesCount: l.droppedAttributesCount ?? 0,
    })),
    droppedLinksCount: s.droppedLinksCount,
    status: { code: s.status.code, message: s.status.message ?? '' },
  };
}

function logTruth(l: ReadableLogRecord) {
  return {
    resource: { attributes: truthValue(l.resource.attributes), schemaUrl: l.resource.schemaUrl ?? '' },
    scope: truthValue(l.instrumentationScope),
    timeUnixNano: nanos(l.hrTime),
    observedTimeUnixNano: nanos(l.hrTimeObserved),
    severityNumber: l.severityNumber ?? 0,
    severityText: l.severityText ?? '',
    body: l.body === undefined ? { $absent: true } : truthValue(l.body),
    attributes: truthValue(l.attributes),
    droppedAttributesCount: l.droppedAttributesCount,
    traceId: l.spanContext?.traceId ?? '',
    spanId: l.spanContext?.spanId ?? '',
    traceFlags: l.spanContext?.traceFlags ?? 0,
    eventName: l.eventName ?? '',
  };
}

function metricsTruth(rm: ResourceMetrics) {
  return {
    resource: { attributes: truthValue(rm.resource.attributes), schemaUrl: rm.resource.schemaUrl ?? '' },
    scopeMetrics: rm.scopeMetrics.map((sm) => ({
      scope: sm.scope,
      metrics: sm.metrics.map((m) => ({
        name: m.descriptor.name,
        description: m.descriptor.description,
        unit: m.descriptor.unit,
        valueType: m.descriptor.valueType === ValueType.INT ? 'int' : 'double',
        dataPointType: m.dataPointType,
        aggregationTemporality: m.aggregationTemporality,
        isMonotonic: 'isMonotonic' in m ? m.isMonotonic : null,
        dataPoints: (m.dataPoints as { startTime: [number, number]; endTime: [number, number]; attributes: Attributes; value: unknown }[]).map((p) => ({
          startTimeUnixNano: nanos(p.startTime),
          timeUnixNano: nanos(p.endTime),
          attributes: truthValue(p.attributes),
          value: truthValue(p.value),
        })),
      })),
    })),
  };
}

// ---- scenarios -----------------------------------------------------------------------------

const resource = resourceFromAttributes(
  {
    'service.name': 'checkout',
    'service.version': '1.4.2',
    'deployment.environment.name': 'capture',
    'host.cpu.count': 8,
    'process.runtime.ratio': 0.75,
    'feature.enabled': true,
    'host.ip': ['10.0.0.1', 'fe80::1'],
  },
  { schemaUrl: SCHEMA_URL },
);

function hr(offsetNanos: number): [number, number] {
  return [BASE_SECONDS + Math.floor(offsetNanos / 1e9), offsetNanos % 1e9];
}

class SequentialIds {
  private n = 0;
  generateTraceId(): string {
    this.n++;
    return `4bf92f3577b34da6a3ce929d0e0e${(0x4736 + this.n).toString(16).padStart(4, '0')}`;
  }
  generateSpanId(): string {
    this.n++;
    return `00f067aa0ba9${(0x02b7 + this.n).toString(16).padStart(4, '0')}`;
  }
}

const SPAN_ATTRIBUTES: Attributes = {
  'http.request.method': 'GET',
  'url.path': '/checkout/42',
  'http.response.status_code': 200,
  'user.flagged': false,
  'cart.total': 123.45,
  'cart.tiny': 1e-7,
  'int.max_safe_plus_3': 2 ** 53 + 2,
  'int.min_int64': -(2 ** 63),
  'int.negative': -17,
  'double.big': 1.5e300,
  'empty.string': '',
  unicode: 'ünïcødé ✓ 日本 🚀',
  'array.strings': ['a', 'b', ''],
  'array.ints': [1, -2, 3],
  'array.doubles': [0.5, -1.25],
  'array.bools': [true, false],
  'array.with_null': ['x', null, 'y'],
  'array.empty': [],
};

async function traceScenario(exporter: SpanExporter): Promise<ReadableSpan[]> {
  const sent: ReadableSpan[] = [];
  const recording: SpanExporter = {
    export: (spans: ReadableSpan[], done: (r: ExportResult) => void) => {
      sent.push(...spans);
      exporter.export(spans, done);
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
  const provider = new BasicTracerProvider({
    resource,
    idGenerator: new SequentialIds(),
    spanLimits: { attributeCountLimit: 24, eventCountLimit: 3, linkCountLimit: 2 },
    spanProcessors: [new BatchSpanProcessor(recording, { maxExportBatchSize: 1000, scheduledDelayMillis: 60_000 })],
  });
  const tracer = provider.getTracer('checkout-instrumentation', '2.0.1', { schemaUrl: SCHEMA_URL });

  const remoteParent = trace.setSpanContext(context.active(), {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: 1,
    isRemote: true,
    traceState: new TraceState('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7'),
  });
  const server = tracer.startSpan(
    'GET /checkout/{id}',
    { kind: SpanKind.SERVER, startTime: hr(0), attributes: SPAN_ATTRIBUTES },
    remoteParent,
  );
  server.addEvent('cart.loaded', { 'cart.items': 3, 'cart.currency': 'EUR' }, hr(1_000_000));
  server.setStatus({ code: SpanStatusCode.OK });
  const inServer = trace.setSpan(context.active(), server);

  const client = tracer.startSpan('POST payments', { kind: SpanKind.CLIENT, startTime: hr(2_000_000) }, inServer);
  client.setAttribute('server.address', 'payments.internal');
  client.recordException({ name: 'PaymentDeclined', message: 'card declined', stack: 'at pay (pay.ts:1)' }, hr(3_000_000));
  client.setStatus({ code: SpanStatusCode.ERROR, message: 'payment declined' });
  client.end(hr(5_500_000));

  const links: Link[] = [
    {
      context: { traceId: '11111111111111111111111111111111', spanId: '2222222222222222', traceFlags: 0 },
      attributes: { 'messaging.batch.index': 0 },
    },
    {
      context: {
        traceId: '33333333333333333333333333333333',
        spanId: '4444444444444444',
        traceFlags: 1,
        traceState: new TraceState('vendor=value'),
        isRemote: true,
      },
    },
    { context: { traceId: '55555555555555555555555555555555', spanId: '6666666666666666', traceFlags: 1 } },
  ];
  const producer = tracer.startSpan('orders publish', { kind: SpanKind.PRODUCER, startTime: hr(6_000_000), links }, inServer);
  for (let i = 0; i < 5; i++) producer.addEvent(`retry ${i}`, { attempt: i }, hr(6_100_000 + i));
  producer.end(hr(7_000_000));

  const consumer = tracer.startSpan('orders process', { kind: SpanKind.CONSUMER, startTime: hr(8_000_000) });
  const many: Attributes = {};
  for (let i = 0; i < 30; i++) many[`attr.${i}`] = i;
  consumer.setAttributes(many);
  consumer.end(hr(9_000_000));

  const internal = tracer.startSpan('compute discount', { kind: SpanKind.INTERNAL, startTime: hr(10_000_000) }, inServer);
  // Ends before it starts: the SDK clamps this to a zero duration rather than sending it.
  internal.end(hr(9_999_000));

  server.end(hr(12_000_000));
  await provider.forceFlush();
  await provider.shutdown();
  return sent;
}

const LOG_BODY_STRUCTURED: AnyValue = {
  order: { id: 42, total: 99.5, paid: false, tags: ['new', 'vip'] },
  mixed: ['text', 7, 2.5, true, null, new Uint8Array([1, 2, 3]), { nested: ['deep', { deeper: 'x' }] }],
  blob: new Uint8Array([0, 255, 16, 32]),
  nothing: null,
  'min.int64': -(2 ** 63),
};

async function logScenario(exporter: LogRecordExporter): Promise<ReadableLogRecord[]> {
  const sent: ReadableLogRecord[] = [];
  const recording: LogRecordExporter = {
    export: (logs: ReadableLogRecord[], done: (r: ExportResult) => void) => {
      sent.push(...logs);
      exporter.export(logs, done);
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
  const provider = new LoggerProvider({
    resource,
    processors: [
      new BatchLogRecordProcessor({ exporter: recording, maxExportBatchSize: 1000, scheduledDelayMillis: 60_000 }),
    ],
  });
  const logger = provider.getLogger('checkout-logs', '1.0.0', {
    schemaUrl: SCHEMA_URL,
    attributes: { 'logger.kind': 'structured', 'logger.level': 3 },
  });
  const inSpan = trace.setSpanContext(context.active(), {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: 1,
  });
  logger.emit({
    timestamp: hr(100),
    observedTimestamp: hr(200),
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: 'order 42 placed',
    attributes: { 'order.id': 42, 'user.vip': true, 'order.total': 99.5, 'order.note': 'ünïcødé' },
    context: inSpan,
  });
  logger.emit({
    timestamp: hr(300),
    observedTimestamp: hr(400),
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    eventName: 'checkout.failed',
    body: LOG_BODY_STRUCTURED,
    attributes: {
      'exception.type': 'PaymentDeclined',
      'payload.bytes': new Uint8Array([222, 173, 190, 239]),
      'request.headers': { accept: 'application/json', 'x-retry': 2 },
      'mixed.array': ['a', 1, false, 1.5],
      'nested.array': [
        [1, 2],
        ['x', ['y']],
      ],
      'absent.value': null,
    },
    context: inSpan,
  });
  logger.emit({ timestamp: hr(500), observedTimestamp: hr(600), body: ['line one', 'line two'] });
  logger.emit({ timestamp: hr(700), observedTimestamp: hr(800), severityNumber: SeverityNumber.DEBUG4, body: 12345 });
  logger.emit({ timestamp: hr(900), observedTimestamp: hr(1000), severityNumber: SeverityNumber.FATAL, body: 0.25 });
  logger.emit({ timestamp: hr(1100), observedTimestamp: hr(1200), body: new Uint8Array([104, 105]) });
  logger.emit({ timestamp: hr(1300), observedTimestamp: hr(1400), severityText: 'WARN', body: false });
  logger.emit({ timestamp: hr(1500), observedTimestamp: hr(1600), attributes: { 'no.body': true } });
  await provider.forceFlush();
  await provider.shutdown();
  return sent;
}

async function metricScenario(exporter: PushMetricExporter): Promise<ResourceMetrics[]> {
  const sent: ResourceMetrics[] = [];
  const recording: PushMetricExporter = {
    export: (metrics: ResourceMetrics, done: (r: ExportResult) => void) => {
      sent.push(metrics);
      exporter.export(metrics, done);
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush(),
    selectAggregationTemporality: exporter.selectAggregationTemporality?.bind(exporter),
    selectAggregation: exporter.selectAggregation?.bind(exporter),
  };
  const reader = new PeriodicExportingMetricReader({ exporter: recording, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource,
    readers: [reader],
    views: [{ instrumentName: 'payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('checkout-metrics', '3.1.0', { schemaUrl: SCHEMA_URL });
  const requests = meter.createCounter('http.server.requests', {
    description: 'Requests served',
    unit: '{request}',
    valueType: ValueType.INT,
  });
  requests.add(3, { 'http.route': '/checkout', 'http.response.status_code': 200 });
  requests.add(1, { 'http.route': '/checkout', 'http.response.status_code': 500 });
  requests.add(2, { 'http.route': '/checkout', 'http.response.status_code': 200 });
  const queue = meter.createUpDownCounter('queue.depth', { valueType: ValueType.INT });
  queue.add(5, { queue: 'orders' });
  queue.add(-7, { queue: 'orders' });
  const duration = meter.createHistogram('http.server.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.1, 1] },
  });
  for (const v of [0.003, 0.02, 0.02, 0.5, 2.5]) duration.record(v, { 'http.route': '/checkout' });
  const payload = meter.createHistogram('payload.size', { unit: 'By' });
  for (const v of [0, 1, 100, 1000, 1000, 65536, -3]) payload.record(v);
  meter.createGauge('room.temperature', { unit: 'Cel' }).record(21.5, { room: 'lab' });
  meter
    .createObservableGauge('cpu.utilization', { unit: '1' })
    .addCallback((o) => o.observe(0.42, { cpu: 0, 'cpu.mode': 'user' }));
  meter.createObservableCounter('process.cpu.time', { unit: 's' }).addCallback((o) => o.observe(12.5));
  meter
    .createObservableUpDownCounter('connections.active', { valueType: ValueType.INT })
    .addCallback((o) => o.observe(7, { pool: 'db' }));
  // Shutting down collects and exports once more, which is the one request captured.
  await provider.shutdown();
  return sent;
}

// ---- main ----------------------------------------------------------------------------------

const truths = new Map<string, string>();

/**
 * Writes a captured body and its ground truth. Spans and logs are deterministic, so their truth
 * is the same for every protocol and written once as <signal>.truth.json; metrics carry the
 * SDK's clock, so each capture has its own <signal>.<protocol>.truth.json.
 */
function save(signal: string, protocol: Protocol, body: Buffer | undefined, truth: unknown): void {
  const name = `${signal}.${protocol}.${protocol === 'json' ? 'json' : 'bin'}`;
  if (body === undefined) throw new Error(`nothing captured for ${name}`);
  writeFileSync(join(here, name), body);
  const text = `${JSON.stringify(truth, null, 1)}\n`;
  if (signal === 'metrics') {
    writeFileSync(join(here, `${signal}.${protocol}.truth.json`), text);
  } else {
    const previous = truths.get(signal);
    if (previous !== undefined && previous !== text) throw new Error(`${signal} ground truth differs between protocols`);
    truths.set(signal, text);
    writeFileSync(join(here, `${signal}.truth.json`), text);
  }
  console.log(`captured ${name} bytes=${body.length}`);
}

function only(key: string): Buffer | undefined {
  const bodies = captured.get(key) ?? [];
  if (bodies.length !== 1) throw new Error(`expected one request for ${key}, got ${bodies.length}`);
  return bodies[0];
}

async function main(): Promise<void> {
  const web = await startHttp();
  const rpc = await startGrpc();
  const httpUrl = (path: string) => `http://127.0.0.1:${web.port}${path}`;
  const grpcUrl = `http://127.0.0.1:${rpc.port}`;
  const keyOf = (protocol: Protocol, path: string, grpcPath: string) =>
    protocol === 'grpc' ? `grpc ${grpcPath}` : `http ${protocol} ${path}`;

  for (const protocol of PROTOCOLS) {
    const exporter =
      protocol === 'proto'
        ? new ProtoTraceExporter({ url: httpUrl('/v1/traces') })
        : protocol === 'json'
          ? new JsonTraceExporter({ url: httpUrl('/v1/traces') })
          : new GrpcTraceExporter({ url: grpcUrl });
    const spans = await traceScenario(exporter);
    const key = keyOf(protocol, '/v1/traces', '/opentelemetry.proto.collector.trace.v1.TraceService/Export');
    save('traces', protocol, only(key), { spans: spans.map(spanTruth) });
  }
  for (const protocol of PROTOCOLS) {
    const exporter =
      protocol === 'proto'
        ? new ProtoLogExporter({ url: httpUrl('/v1/logs') })
        : protocol === 'json'
          ? new JsonLogExporter({ url: httpUrl('/v1/logs') })
          : new GrpcLogExporter({ url: grpcUrl });
    const logs = await logScenario(exporter);
    const key = keyOf(protocol, '/v1/logs', '/opentelemetry.proto.collector.logs.v1.LogsService/Export');
    save('logs', protocol, only(key), { logs: logs.map(logTruth) });
  }
  for (const protocol of PROTOCOLS) {
    // Delta for JSON, cumulative (the default) for the others: both temporalities get captured.
    const exporter =
      protocol === 'proto'
        ? new ProtoMetricExporter({ url: httpUrl('/v1/metrics') })
        : protocol === 'json'
          ? new JsonMetricExporter({
              url: httpUrl('/v1/metrics'),
              temporalityPreference: AggregationTemporalityPreference.DELTA,
            })
          : new GrpcMetricExporter({ url: grpcUrl });
    const metrics = await metricScenario(exporter);
    const key = keyOf(protocol, '/v1/metrics', '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export');
    save('metrics', protocol, only(key), { resourceMetrics: metrics.map(metricsTruth) });
  }
  web.server.close();
  rpc.server.forceShutdown();
}

await main();
