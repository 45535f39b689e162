// A service with OpenTelemetry JS 3.x installed that adopts @tracehouse/node, started as
// `node bin/server.mjs` from another directory (no npm, no version configured). It serves one
// HTTP request, in which it sets `enduser.id` baggage and records a span through its own API 1.10;
// a span processor from its own SDK 3.x (an in-memory copy, as a service's tests might keep) is
// handed to init() beside tracehouse's exporter. It prints the trace id and what the 3.x processor saw.
import { createServer, request } from 'node:http';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { init, withBaggage } from '@tracehouse/node';

const copies = new InMemorySpanExporter();
const copier = new SimpleSpanProcessor({ exporter: copies });
const sdk = init({ serviceName: 'js3-orders', spanProcessors: [copier] });
await sdk.ready;

const tracer = trace.getTracer('js3-orders');
const server = createServer((_req, res) => {
  withBaggage({ 'enduser.id': 'user-js3' }, () => {
    tracer.startActiveSpan('price order', (span) => {
      span.setAttribute('order.items', 3);
      span.end();
      res.end(JSON.stringify({ traceId: span.spanContext().traceId }));
    });
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const body = await new Promise((resolve, reject) => {
  request({ host: '127.0.0.1', port, path: '/orders/42' }, (res) => {
    let text = '';
    res.on('data', (chunk) => (text += chunk));
    res.on('end', () => resolve(text));
  })
    .on('error', reject)
    .end();
});
server.close();
// The 3.x processor exports asynchronously (it first waits for the resource's async attributes).
await copier.forceFlush();
const seenBy3x = copies.getFinishedSpans().map((span) => span.name);
await sdk.shutdown();
const { traceId } = JSON.parse(body);
console.log(JSON.stringify({ traceId, seenBy3x }));
