// The Node side of tracehouse's interop tests, on OpenTelemetry JS 3.x (the test copies this file
// next to the 3.x packages that setup.sh installs, away from the root workspace's 2.x).
//
//   node client.mjs emit <protocol> <base-url> <service>  exports the shared signal set, prints the ids
//   node client.mjs frontend <base-url> <go-url>          the Node service of the three-language trace
//
// protocol is http/protobuf, http/json or grpc. (3.x takes processor options objects: { exporter }.)
import { context, propagation, SeverityNumber, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ALLOW_ALL_BAGGAGE_KEYS, BaggageSpanProcessor } from '@opentelemetry/baggage-span-processor';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const EXPORTERS = {
  'http/protobuf': ['proto', (base, signal) => ({ url: `${base}/v1/${signal}` })],
  'http/json': ['http', (base, signal) => ({ url: `${base}/v1/${signal}` })],
  grpc: ['grpc', (base) => ({ url: base })],
};

async function providers(protocol, base, service) {
  const entry = EXPORTERS[protocol];
  if (!entry) throw new Error(`unsupported protocol ${protocol}`);
  const [flavour, config] = entry;
  const { OTLPTraceExporter } = await import(`@opentelemetry/exporter-trace-otlp-${flavour}`);
  const { OTLPLogExporter } = await import(`@opentelemetry/exporter-logs-otlp-${flavour}`);
  const { OTLPMetricExporter } = await import(`@opentelemetry/exporter-metrics-otlp-${flavour}`);
  const resource = resourceFromAttributes({
    'service.name': service,
    'service.version': '1.0.0',
    'deployment.environment.name': 'interop',
  });
  const traces = new TracerProvider({
    resource,
    spanProcessors: [
      new BaggageSpanProcessor(ALLOW_ALL_BAGGAGE_KEYS),
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter(config(base, 'traces')) }),
    ],
  });
  const logProvider = new LoggerProvider({
    resource,
    processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter(config(base, 'logs')) })],
  });
  const metrics = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(config(base, 'metrics')) })],
  });
  return {
    traces,
    logs: logProvider,
    metrics,
    shutdown: () => Promise.all([traces.shutdown(), logProvider.shutdown(), metrics.shutdown()]),
  };
}

/** The signal set every interop client sends (see expected.ts). */
function emit(p) {
  const tracer = p.traces.getTracer('interop');
  const linked = tracer.startSpan('interop.linked', { kind: SpanKind.PRODUCER });
  linked.end();
  const root = tracer.startSpan('interop.root', {
    kind: SpanKind.SERVER,
    attributes: {
      str: 'text',
      int: 42,
      double: 3.5,
      bool: true,
      strs: ['a', 'b'],
      ints: [1, 2],
      doubles: [1.5, 2.5],
      bools: [true, false],
    },
  });
  root.addEvent('interop.event', { 'event.n': 7 });
  const rootContext = trace.setSpan(context.active(), root);
  const child = tracer.startSpan(
    'interop.child',
    { kind: SpanKind.CLIENT, links: [{ context: linked.spanContext(), attributes: { 'link.kind': 'follows' } }] },
    rootContext,
  );
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  child.end();
  p.logs.getLogger('interop').emit({
    context: rootContext,
    body: 'hello interop',
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    attributes: { bytes: new Uint8Array([0x01, 0x02, 0xff]), int: 42, double: 3.5, bool: true, strs: ['a', 'b'] },
  });
  root.end();

  const meter = p.metrics.getMeter('interop');
  meter.createCounter('interop.requests').add(3, { route: '/a' });
  const histogram = meter.createHistogram('interop.duration', { unit: 's' });
  for (const value of [0.1, 0.2, 0.4]) histogram.record(value, { route: '/a' });
  meter.createGauge('interop.queue.depth').record(5);
  return {
    traceId: root.spanContext().traceId,
    rootSpanId: root.spanContext().spanId,
    childSpanId: child.spanContext().spanId,
    linkedTraceId: linked.spanContext().traceId,
    linkedSpanId: linked.spanContext().spanId,
  };
}

/** The storefront: a checkout request that puts the user in baggage and calls the Go service. */
async function frontend(p, goUrl) {
  const tracer = p.traces.getTracer('interop-node-frontend');
  const withUser = propagation.setBaggage(
    context.active(),
    propagation.createBaggage({ 'enduser.id': { value: 'user-42' } }),
  );
  const server = tracer.startSpan(
    'POST /cart/checkout',
    { kind: SpanKind.SERVER, attributes: { 'http.route': '/cart/checkout', 'http.request.method': 'POST' } },
    withUser,
  );
  const serverContext = trace.setSpan(withUser, server);
  const client = tracer.startSpan(
    'POST',
    { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'POST' } },
    serverContext,
  );
  const headers = {};
  propagation.inject(trace.setSpan(serverContext, client), headers);
  const response = await fetch(`${goUrl}/checkout`, { method: 'POST', headers });
  client.setAttribute('http.response.status_code', response.status);
  client.end();
  server.end();
  return { traceId: server.spanContext().traceId, status: response.status };
}

propagation.setGlobalPropagator(
  new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
);
const [command, ...args] = process.argv.slice(2);
if (command === 'emit' && args.length === 3) {
  const p = await providers(args[0], args[1].replace(/\/+$/, ''), args[2]);
  const ids = emit(p);
  await p.shutdown();
  console.log(JSON.stringify(ids));
} else if (command === 'frontend' && args.length === 2) {
  const p = await providers('http/protobuf', args[0].replace(/\/+$/, ''), 'interop-node-frontend');
  const result = await frontend(p, args[1].replace(/\/+$/, ''));
  await p.shutdown();
  console.log(JSON.stringify(result));
} else {
  console.error('usage: client.mjs emit <protocol> <base-url> <service> | frontend <base-url> <go-url>');
  process.exit(2);
}
