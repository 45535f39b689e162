// What one span costs the process, part by part, on the OpenTelemetry JS SDK as @tracehouse/node
// wires it: `node --import tsx packages/sdk-node/bench/spans.ts [--seconds 1] [--rounds 5]`.
//
// Each case starts and ends the same SERVER span as the lean HTTP instrumentation (9 attributes at
// start, status code and route at the end, a child context made active around a no-op handler),
// in a tight loop, and reports CPU µs per span (process.cpuUsage, all threads, so the GC helper
// threads count) and main-thread GC pauses. The cases add one part at a time, so the differences
// are the parts' costs. Cases are interleaved over rounds and the median is printed, because the
// machine is shared. It is a microbenchmark: caches are warmer than in a service, so read the
// figures as lower bounds of the same parts in bench/sdk.ts.
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { BaggageSpanProcessor } from '../src/baggage-span-processor.js';
import { DEFAULT_BAGGAGE_KEYS } from '../src/config.js';
import { EncodingSpanProcessor } from '../src/encoding-span-processor.js';
import { RedactingSpanProcessor } from '../src/redacting-span-processor.js';
import { Redactor } from '../src/redaction.js';

const { values: args } = parseArgs({
  options: { seconds: { type: 'string', default: '1' }, rounds: { type: 'string', default: '5' } },
});

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(
  new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
);

/** Serialises every batch exactly as the OTLP/protobuf exporter does, and sends nothing. */
class SerializingExporter implements SpanExporter {
  bytes = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.bytes += ProtobufTraceSerializer.serializeRequest(spans)?.length ?? 0;
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
/** The shipped http/protobuf pipeline: each span encoded as it ends; batches sent nowhere. */
const encodedAtEnd = () =>
  new EncodingSpanProcessor(
    {
      send: (_batch, done) => done({ code: 0 }),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    },
    { maxQueueSize: 8192, maxExportBatchSize: 1024, scheduledDelayMillis: 5000, exportContext: () => ROOT_CONTEXT },
  );
class DroppingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const resource = resourceFromAttributes({
  'service.name': 'bench',
  'service.version': '1.0.0',
  'deployment.environment.name': 'bench',
  'service.instance.id': '2b9d1c1e-54d1-4f0e-9f5b-1f0c3c2a9b11',
});
const batch = (exporter: SpanExporter) =>
  new BatchSpanProcessor({ exporter, maxQueueSize: 8192, maxExportBatchSize: 1024 });

interface Case {
  name: string;
  tracer: Tracer;
  /** Extract and inject around the span, as a server with a downstream call does. */
  propagate?: boolean;
  /** Attributes set after the start, only on a recorded span (what the lean HTTP instrumentations do). */
  late?: boolean;
}

function tracerWith(processors: SpanProcessor[], options: { off?: boolean } = {}): Tracer {
  return new TracerProvider({
    resource,
    sampler: options.off ? new AlwaysOffSampler() : new AlwaysOnSampler(),
    spanProcessors: processors,
  }).getTracer('bench');
}

const redactor = new Redactor();
const cases: Case[] = [
  { name: 'sampler off (non-recording span)', tracer: tracerWith([], { off: true }) },
  { name: 'recording, no processor', tracer: tracerWith([]) },
  { name: '+ baggage processor', tracer: tracerWith([new BaggageSpanProcessor(DEFAULT_BAGGAGE_KEYS)]) },
  {
    name: '+ redaction',
    tracer: tracerWith([new BaggageSpanProcessor(DEFAULT_BAGGAGE_KEYS), new RedactingSpanProcessor(redactor)]),
  },
  {
    name: '+ batch processor, dropping exporter',
    tracer: tracerWith([
      new BaggageSpanProcessor(DEFAULT_BAGGAGE_KEYS),
      new RedactingSpanProcessor(redactor),
      batch(new DroppingExporter()),
    ]),
  },
  {
    name: '+ OTLP protobuf serialization, upstream encoder',
    tracer: tracerWith([
      new BaggageSpanProcessor(DEFAULT_BAGGAGE_KEYS),
      new RedactingSpanProcessor(redactor),
      batch(new SerializingExporter()),
    ]),
  },
  {
    name: 'encoded as each span ends, our encoder (shipped, minus the socket)',
    tracer: tracerWith([
      new BaggageSpanProcessor(DEFAULT_BAGGAGE_KEYS),
      new RedactingSpanProcessor(redactor),
      encodedAtEnd(),
    ]),
  },
];
const sampledOff = cases[0].tracer;
const shipped = cases[cases.length - 1].tracer;
cases.push({ name: 'sampler off + extract/inject', tracer: sampledOff, propagate: true });
cases.push({ name: 'sampler off, attributes only when recorded', tracer: sampledOff, late: true });
cases.push({ name: 'shipped, attributes set after the start', tracer: shipped, late: true });

let request = 0;
const headers = { host: '127.0.0.1:8080', 'user-agent': 'bench/1.0' };
/** The SERVER span's start attributes, built per request as the instrumentation does. */
function requestAttributes(): Attributes {
  return {
    'http.request.method': 'GET',
    'url.scheme': 'http',
    'url.path': '/orders',
    'url.query': `customer=c-${request % 500}`,
    'network.protocol.version': '1.1',
    'server.address': '127.0.0.1',
    'server.port': 8080,
    'user_agent.original': 'bench/1.0',
    'client.address': '127.0.0.1',
  };
}

function oneSpan(tracer: Tracer, propagate: boolean, late: boolean): void {
  request++;
  const parent = propagate ? propagation.extract(ROOT_CONTEXT, headers) : ROOT_CONTEXT;
  const span: Span = late
    ? tracer.startSpan('GET', { kind: SpanKind.SERVER }, parent)
    : tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: requestAttributes() }, parent);
  if (late && span.isRecording()) span.setAttributes(requestAttributes());
  const active = trace.setSpan(parent, span);
  context.with(active, handler, undefined, propagate);
  span.setAttribute('http.route', '/orders');
  span.updateName('GET /orders');
  span.setAttribute('http.response.status_code', 200);
  span.setStatus({ code: SpanStatusCode.UNSET });
  span.end();
}
const carrier: Record<string, string> = {};
function handler(propagate: boolean): void {
  if (propagate) propagation.inject(context.active(), carrier);
}

let gcMicros = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMicros += entry.duration * 1000;
}).observe({ entryTypes: ['gc'] });

async function measure(c: Case, seconds: number): Promise<{ cpu: number; gc: number }> {
  const deadline = performance.now() + seconds * 1000;
  const cpuBefore = process.cpuUsage();
  const gcBefore = gcMicros;
  let spans = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 1000; i++) oneSpan(c.tracer, c.propagate ?? false, c.late ?? false);
    spans += 1000;
    // Let timers (the batch processor's) and GC observers run, as a service's event loop would.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { cpu: (cpu.user + cpu.system) / spans, gc: (gcMicros - gcBefore) / spans };
}

const seconds = Number(args.seconds);
const results = new Map<string, { cpu: number[]; gc: number[] }>(cases.map((c) => [c.name, { cpu: [], gc: [] }]));
for (const c of cases) await measure(c, 0.3); // warm-up
for (let round = 0; round < Number(args.rounds); round++) {
  for (const c of cases) {
    const { cpu, gc } = await measure(c, seconds);
    results.get(c.name)?.cpu.push(cpu);
    results.get(c.name)?.gc.push(gc);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const c of cases) {
  const r = results.get(c.name);
  if (!r) continue;
  console.log(
    `bench sdk-spans case="${c.name}" cpu_us_per_span=${median(r.cpu).toFixed(2)} gc_pause_us_per_span=${median(r.gc).toFixed(2)}`,
  );
}
