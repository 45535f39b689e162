// The lean HTTP instrumentations against a real tracer provider and real node:http servers and
// clients on loopback: attributes, status, context inside the handler (also in request stream
// events), propagation in and out, ignored paths, and a clean unpatch.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import { HttpClientInstrumentation } from '../../src/http-client-instrumentation.js';
import { HttpServerInstrumentation } from '../../src/http-server-instrumentation.js';
import { loadOtelModules } from '../../src/otel-modules.js';
import { installInMemorySdk } from '../support/in-memory-sdk.js';

const sdk = installInMemorySdk();
const { core } = loadOtelModules();
const originalEmit = http.Server.prototype.emit;
const originalRequest = http.request;
const serverInstrumentation = new HttpServerInstrumentation(
  { ignoredPaths: ['/livez'], requestHeaders: ['x-tenant'], responseHeaders: ['x-served-by'] },
  core,
);
const clientInstrumentation = new HttpClientInstrumentation({}, core);

interface Seen {
  activeSpanId?: string;
  onEndSpanId?: string;
  baggage?: string;
  traceparentDownstream?: string;
  suppressed?: boolean;
}
let seen: Seen = {};
let base = '';
const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  if (url.startsWith('/down')) {
    seen.traceparentDownstream = String(req.headers.traceparent ?? '');
    return void res.end('down');
  }
  seen.activeSpanId = trace.getActiveSpan()?.spanContext().spanId;
  seen.baggage = propagation.getActiveBaggage()?.getEntry('enduser.id')?.value;
  seen.suppressed = core.isTracingSuppressed(context.active());
  if (url.startsWith('/livez')) return void res.end('ok');
  const rpc = getRPCMetadata(context.active());
  if (rpc && url.startsWith('/orders/')) rpc.route = '/orders/:id';
  req.resume();
  req.on('end', () => {
    // A stream event on the request runs in the request's context too.
    seen.onEndSpanId = trace.getActiveSpan()?.spanContext().spanId;
    if (url === '/fail') return void res.writeHead(503).end();
    if (url === '/missing') return void res.writeHead(404).end();
    http.get(`${base}/down`, (down) => {
      down.resume();
      down.on('end', () => res.setHeader('x-served-by', 'a').end('ok'));
    });
  });
});

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
  clientInstrumentation.disable();
  serverInstrumentation.disable();
});
beforeEach(() => {
  sdk.spans.reset();
  seen = {};
});

/** A request sent around the instrumentation (suppressed), as an uninstrumented caller would. */
function call(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<number> {
  return context.with(core.suppressTracing(context.active()), async () => {
    const response = await fetch(`${base}${path}`, { method, headers });
    await response.arrayBuffer();
    return response.status;
  });
}

async function spansSettled(count: number) {
  for (let i = 0; i < 100 && sdk.spans.getFinishedSpans().length < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return sdk.spans.getFinishedSpans();
}

test('a SERVER span with the stable HTTP attributes, the route from the RPC metadata, and a CLIENT child', async () => {
  const status = await call('/orders/7?page=2', { 'user-agent': 'probe/1', 'x-tenant': 'acme' });
  assert.equal(status, 200);
  const spans = await spansSettled(3);
  const serverSpan = spans.find((span) => span.kind === SpanKind.SERVER && span.attributes['url.path'] !== '/down');
  const client = spans.find((span) => span.kind === SpanKind.CLIENT);
  assert.ok(serverSpan && client);
  assert.equal(serverSpan.name, 'GET /orders/:id');
  const port = Number(new URL(base).port);
  assert.deepEqual(
    { ...serverSpan.attributes, 'client.address': undefined },
    {
      'http.request.method': 'GET',
      'url.scheme': 'http',
      'url.path': '/orders/7',
      'url.query': 'page=2',
      'network.protocol.version': '1.1',
      'server.address': '127.0.0.1',
      'server.port': port,
      'user_agent.original': 'probe/1',
      'client.address': undefined,
      'http.request.header.x-tenant': ['acme'],
      'http.route': '/orders/:id',
      'http.response.status_code': 200,
      'http.response.header.x-served-by': ['a'],
    },
  );
  assert.equal(serverSpan.status.code, SpanStatusCode.UNSET);
  // The handler, and a later event on its request, ran inside the SERVER span.
  assert.equal(seen.activeSpanId, serverSpan.spanContext().spanId);
  assert.equal(seen.onEndSpanId, serverSpan.spanContext().spanId);
  // The outgoing call is its child, and carried its context to the downstream server.
  assert.equal(client.parentSpanContext?.spanId, serverSpan.spanContext().spanId);
  assert.equal(client.name, 'GET');
  assert.equal(client.attributes['url.full'], `${base}/down`);
  assert.equal(client.attributes['http.response.status_code'], 200);
  assert.equal(seen.traceparentDownstream, `00-${client.spanContext().traceId}-${client.spanContext().spanId}-01`);
});

test('incoming traceparent and baggage are extracted: same trace, remote parent, baggage active', async () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  await call('/missing', { traceparent: `00-${traceId}-b7ad6b7169203331-01`, baggage: 'enduser.id=u-42' });
  const [span] = await spansSettled(1);
  assert.equal(span.spanContext().traceId, traceId);
  assert.equal(span.parentSpanContext?.spanId, 'b7ad6b7169203331');
  assert.equal(seen.baggage, 'u-42');
  // 4xx is not a server error; no route known -> the name is the method.
  assert.equal(span.name, 'GET');
  assert.equal(span.attributes['http.response.status_code'], 404);
  assert.equal(span.status.code, SpanStatusCode.UNSET);
});

test('5xx ends the SERVER span with ERROR status and error.type', async () => {
  assert.equal(await call('/fail', {}, 'POST'), 503);
  const [span] = await spansSettled(1);
  assert.equal(span.name, 'POST');
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.equal(span.attributes['error.type'], '503');
});

test('ignored paths start no span, and tracing is suppressed for their handler', async () => {
  assert.equal(await call('/livez?verbose=1'), 200);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(sdk.spans.getFinishedSpans(), []);
  assert.equal(seen.suppressed, true);
});

test('a failed outgoing request ends its CLIENT span with ERROR', async () => {
  const error = await new Promise<Error>((resolve) => http.get('http://127.0.0.1:1/', () => {}).on('error', resolve));
  assert.ok(error);
  const [span] = await spansSettled(1);
  assert.equal(span.kind, SpanKind.CLIENT);
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.equal(span.attributes['error.type'], 'ECONNREFUSED');
});

test('disable() restores the original functions', () => {
  const server = new HttpServerInstrumentation({}, core);
  const client = new HttpClientInstrumentation({}, core);
  server.disable();
  client.disable();
  // The shared instances above are still on: only the second layers came off.
  assert.notEqual(http.Server.prototype.emit, originalEmit);
  serverInstrumentation.disable();
  clientInstrumentation.disable();
  assert.equal(http.Server.prototype.emit, originalEmit);
  assert.equal(http.request, originalRequest);
  serverInstrumentation.enable();
  clientInstrumentation.enable();
});
