// The telemetry-contract report on a workload of two services sent by the official OpenTelemetry
// JS SDK: `good` keeps the contract, `bad` breaks each rule once on purpose. The report must name
// exactly the planted violations, and /metrics must expose them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTestServer, type TestServer } from '../helpers';

let server: TestServer;

before(async () => {
  server = await startTestServer({ sets: ['contract.maxDistinctValues=20'] });
});
after(() => server?.stop());

/** One service's providers, exporting OTLP/protobuf to the test server. */
function service(attributes: Record<string, string>) {
  const resource = resourceFromAttributes(attributes);
  const base = server.urls.otlpHttp;
  const traces = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }))],
  });
  const logs = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${base}/v1/logs` }) })],
  });
  const metrics = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${base}/v1/metrics` }) })],
  });
  return {
    tracer: traces.getTracer('contract-test'),
    logger: logs.getLogger('contract-test'),
    meter: metrics.getMeter('contract-test'),
    shutdown: () => Promise.all([traces.shutdown(), logs.shutdown(), metrics.shutdown()]),
  };
}

/** A request as the contract wants it: server span and log with correlation_id, metrics in seconds. */
function keepTheContract(s: ReturnType<typeof service>) {
  const span = s.tracer.startSpan('GET /health', { kind: SpanKind.SERVER, attributes: { correlation_id: 'c-1' } });
  const ctx = trace.setSpan(context.active(), span);
  s.tracer.startSpan('SELECT 1', { kind: SpanKind.CLIENT }, ctx).end();
  s.logger.emit({
    context: ctx,
    body: 'health checked',
    severityNumber: SeverityNumber.INFO,
    attributes: { correlation_id: 'c-1', 'http.route': '/health' },
  });
  span.end();
  s.meter.createCounter('http.server.requests').add(1, { 'http.route': '/health' });
  s.meter.createHistogram('http.server.request.duration', { unit: 's' }).record(0.01, { 'http.route': '/health' });
  return span.spanContext().traceId;
}

test('the report names the planted violations and nothing else', async () => {
  const good = service({ 'service.name': 'good', 'service.version': '1.0.0', 'deployment.environment.name': 'prod' });
  keepTheContract(good);
  // No service.version; otherwise each rule broken once.
  const bad = service({ 'service.name': 'bad', 'deployment.environment.name': 'prod' });
  const request = bad.tracer.startSpan('POST /orders', { kind: SpanKind.SERVER }); // no correlation_id
  const requestCtx = trace.setSpan(context.active(), request);
  // A span name with an id in it: one span-metrics series per order.
  for (let i = 0; i < 25; i++) bad.tracer.startSpan(`load order ${i}`, {}, requestCtx).end();
  bad.tracer.startSpan('connect', { attributes: { password: 'hunter2' } }, requestCtx).end();
  request.end();
  // In a request (it has its route) but without trace context nor correlation_id.
  bad.logger.emit({
    body: 'order placed',
    severityNumber: SeverityNumber.INFO,
    attributes: { 'http.route': '/orders' },
  });
  const placed = bad.meter.createCounter('orders.placed');
  for (let i = 0; i < 25; i++) placed.add(1, { 'user.id': `user-${i}` });
  bad.meter.createGauge('queue.items_total').record(3);
  bad.meter.createHistogram('db.query.duration', { unit: 'ms' }).record(12);
  await Promise.all([good.shutdown(), bad.shutdown()]);

  // Ingest batches are flushed every 20 ms in tests; the report reads what is stored.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const res = await server.get('/api/v1/contract');
  assert.equal(res.status, 200);
  const services = res.body.services as {
    service: string;
    violations: { rule: string; detail: string; examples: string[]; firstSeen: string; lastSeen: string }[];
  }[];
  assert.deepEqual(
    services.map((s) => s.service),
    ['bad'],
    `only the bad service breaks the contract: ${JSON.stringify(services, null, 1)}`,
  );
  const found = services[0]!.violations.map((v) => `${v.rule}: ${v.detail}`).sort();
  assert.deepEqual(found, [
    'correlation-id: 1 log records without correlation_id',
    'correlation-id: 1 server spans without correlation_id',
    'high-cardinality: metric orders.placed label user.id has 25 distinct values (more than 20)',
    'high-cardinality: span name (a span-metrics dimension) has 27 distinct values (more than 20)',
    'log-trace-context: 1 log records within a request have no trace and span ids',
    'metric-naming: queue.items_total is named like a counter (_total) but is a gauge',
    'metric-units: db.query.duration is in milliseconds (unit "ms"); durations are in seconds',
    'required-resource-attributes: resource attribute service.version is missing',
    'secrets-redacted: 1 secret values were sent and redacted at ingest',
  ]);
  const byRule = Object.fromEntries(services[0]!.violations.map((v) => [v.rule, v]));
  assert.deepEqual(byRule['secrets-redacted']!.examples, ['password'], 'the redacted attribute, never its value');
  const spansWithout = services[0]!.violations.find((v) => v.detail.includes('server spans'));
  assert.deepEqual(spansWithout?.examples, [request.spanContext().traceId], 'example trace ids');
  assert.equal(byRule['high-cardinality']!.examples.length, 3);
  for (const v of services[0]!.violations) assert.ok(BigInt(v.firstSeen) <= BigInt(v.lastSeen), v.rule);

  const metrics = (await server.get('/metrics')).body as string;
  assert.match(metrics, /tracehouse_contract_violations\{tenant="default",service="bad",rule="high-cardinality"\} 2/);
  assert.match(metrics, /tracehouse_contract_violations\{tenant="default",service="bad",rule="secrets-redacted"\} 1/);
  assert.doesNotMatch(metrics, /tracehouse_contract_violations\{[^}]*service="good"/);
});
