// Express with the upstream express instrumentation on top of our lean SERVER span: the route the
// router matched becomes `http.route` and the span name, and express's own spans are its children.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { SpanKind, trace } from '@opentelemetry/api';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpServerInstrumentation } from '../../src/http-server-instrumentation.js';
import { loadOtelModules } from '../../src/otel-modules.js';
import { installInMemorySdk } from '../support/in-memory-sdk.js';

const sdk = installInMemorySdk();
const server = new HttpServerInstrumentation({}, loadOtelModules().core);
const expressInstrumentation = new ExpressInstrumentation();
// Required (not imported) after the instrumentation is enabled, so require-in-the-middle patches it.
const express = createRequire(import.meta.url)('express') as typeof import('express');

let listening: Server | undefined;
after(() => {
  listening?.close();
  expressInstrumentation.disable();
  server.disable();
});

test('express: http.route and the span name come from the matched route; the handler sees the SERVER span', async () => {
  let active: string | undefined;
  const app = express();
  app.get('/orders/:id', (_req, res) => {
    active = trace.getActiveSpan()?.spanContext().spanId;
    res.status(500).json({ ok: false });
  });
  listening = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => listening?.once('listening', resolve));
  const { port } = listening.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/orders/42`);
  assert.equal(response.status, 500);
  await response.arrayBuffer();
  // The SERVER span ends on the response's 'finish', which can come after the client has the body.
  for (let i = 0; i < 200 && !sdk.spans.getFinishedSpans().some((span) => span.kind === SpanKind.SERVER); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const spans = sdk.spans.getFinishedSpans();
  const root = spans.find((span) => span.kind === SpanKind.SERVER);
  assert.ok(root, spans.map((span) => span.name).join());
  assert.equal(root.name, 'GET /orders/:id');
  assert.equal(root.attributes['http.route'], '/orders/:id');
  assert.equal(root.status.code, 2);
  const handler = spans.find((span) => span.name.includes('request handler'));
  assert.equal(handler?.parentSpanContext?.spanId, root.spanContext().spanId);
  assert.equal(active, handler?.spanContext().spanId);
});
