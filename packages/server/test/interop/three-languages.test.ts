// Seed 000's path across three languages, each on its official OpenTelemetry SDK: a Node service
// (JS 3.x) puts enduser.id in baggage and calls a Go service over HTTP; the Go service publishes
// to a queue with the W3C context in the message attributes; a Python consumer continues the trace
// and calls the Go service back. One trace, every parent right, enduser.id on every span (each
// language's baggage span processor copies it).
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers';
import { type Queue, startQueue } from './support/queue';
import { eventually, runJson, type Started, start } from './support/run';
import { INTEROP_DIR, requireTool, toolchain } from './support/toolchain';
import { type TraceSpan, traceSpans } from './support/trace-spans';

let server: TestServer;
let queue: Queue;
let goService: Started;

before(async () => {
  server = await startTestServer();
  queue = await startQueue();
  copyFileSync(join(INTEROP_DIR, 'node/client.mjs'), join(requireTool(toolchain.js3Dir), 'client.mjs'));
});

after(async () => {
  await goService?.stop();
  await queue?.close();
  await server?.stop();
});

test('Node -> Go -> queue -> Python -> Go is one trace with the right parents and enduser.id everywhere', async (t) => {
  const otlp = server.urls.otlpHttp;
  goService = start(requireTool(toolchain.goClient), ['service', otlp, queue.url]);
  const goUrl = `http://127.0.0.1:${(await goService.line(/^listening \d+/)).split(' ')[1]}`;
  const consumer = start(requireTool(toolchain.python), [toolchain.pythonClient, 'consume', otlp, queue.url, goUrl]);
  const frontend = await runJson<{ traceId: string; status: number }>(requireTool(toolchain.node(24)), [
    join(toolchain.js3Dir, 'client.mjs'),
    'frontend',
    otlp,
    goUrl,
  ]);
  assert.equal(frontend.status, 202);
  assert.match(await consumer.line(/enduser\.id/), /"user-42"/, 'the consumer saw the baggage');
  assert.equal(await consumer.exited, 0, consumer.output());
  assert.ok(queue.published[0]?.attributes.traceparent?.includes(frontend.traceId), 'traceparent in the message');

  const spans = await eventually(async () => {
    const found = traceSpans((await server.get(`/api/v1/traces/${frontend.traceId}`)).body);
    return found.length === 7 ? found : undefined;
  });

  const byName = (service: string, name: string) => {
    const matches = spans.filter((span) => span.service === service && span.name === name);
    assert.equal(matches.length, 1, `one ${service} ${name} in ${JSON.stringify(spans)}`);
    return matches[0]!;
  };
  const checkout = byName('interop-node-frontend', 'POST /cart/checkout');
  const nodeClient = byName('interop-node-frontend', 'POST');
  const goCheckout = byName('interop-go-service', 'POST /checkout');
  const publish = byName('interop-go-service', 'orders publish');
  const process = byName('interop-python-consumer', 'orders process');
  const pythonClient = byName('interop-python-consumer', 'POST');
  const callback = byName('interop-go-service', 'POST /callback');
  const chain: [TraceSpan, TraceSpan | undefined, number][] = [
    [checkout, undefined, 2],
    [nodeClient, checkout, 3],
    [goCheckout, nodeClient, 2],
    [publish, goCheckout, 4],
    [process, publish, 5],
    [pythonClient, process, 3],
    [callback, pythonClient, 2],
  ];
  for (const [span, parent, kind] of chain) {
    assert.equal(span.parentSpanId, parent?.spanId ?? '', `${span.service} ${span.name} parent`);
    assert.equal(span.kind, kind, `${span.service} ${span.name} kind`);
    assert.equal(span.enduser, 'user-42', `${span.service} ${span.name} has enduser.id`);
  }
  t.diagnostic(`interop: three-language trace node24-otel-js3 -> go -> queue -> python -> go: 7 spans, 1 trace`);
});
