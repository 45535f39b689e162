// Memory taken by spans waiting for export, per span: BatchSpanProcessor (span objects on the V8
// heap) against EncodingSpanProcessor (encoded bytes outside it).
//   node --expose-gc --import tsx packages/sdk-node/bench/queue-memory.ts
// Ends 8192 SERVER spans with the HTTP instrumentation's 11 attributes into a queue that never
// exports, then measures heap + external memory after a full GC. Prints one line per processor:
//   bench sdk-queue-memory processor=… bytes_per_span=…
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { EncodingSpanProcessor } from '../src/encoding-span-processor.js';

const SPANS = 8192;
// Larger than SPANS, so nothing is exported (and released) while the queue fills.
const QUEUE = { maxQueueSize: 2 * SPANS, maxExportBatchSize: 2 * SPANS, scheduledDelayMillis: 3_600_000 };

const processors: Record<string, () => SpanProcessor> = {
  batch_span_processor: () =>
    new BatchSpanProcessor({
      exporter: { export: () => {}, shutdown: () => Promise.resolve() },
      ...QUEUE,
    }),
  encoding_span_processor: () =>
    new EncodingSpanProcessor(
      { send: () => {}, forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve() },
      { ...QUEUE, exportContext: () => ROOT_CONTEXT },
    ),
};

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/** After full GCs, and a pause for V8 to free the backing stores of collected buffers. */
async function used(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.external;
}

for (const [name, create] of Object.entries(processors)) {
  const processor = create();
  const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('queue-memory');
  const before = await used();
  for (let i = 0; i < SPANS; i++) {
    const span = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER });
    span.setAttributes({
      'http.request.method': 'GET',
      'url.scheme': 'http',
      'url.path': '/orders',
      'url.query': `customer=c-${i}`,
      'network.protocol.version': '1.1',
      'server.address': '127.0.0.1',
      'server.port': 8080,
      'user_agent.original': 'bench/1.0',
      'client.address': '127.0.0.1',
      'http.route': '/orders',
      'http.response.status_code': 200,
    });
    span.end();
  }
  const bytes = ((await used()) - before) / SPANS;
  console.log(`bench sdk-queue-memory processor=${name} bytes_per_span=${bytes.toFixed(0)}`);
  // Keeps the queue alive until it has been measured.
  await processor.shutdown().catch(() => {});
}
