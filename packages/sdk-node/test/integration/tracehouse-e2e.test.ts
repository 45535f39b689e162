// The same three instrumented processes as propagation.test.ts, but exporting to a real tracehouse
// (embedded store) instead of a capture receiver: what matters in the end is what tracehouse stores
// and serves. One request with `baggage: enduser.id=u-42` must be one trace across the three
// services in tracehouse, with the user on every stored span and log record, and none of the
// planted secrets anywhere in what tracehouse answers for that trace and its logs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../../../server/test/helpers.js';
import { PLANTED } from '../fixtures/planted-secrets.js';
import { type FixtureShop, startFixtureShop } from '../support/fixture-shop.js';
import { killAll } from '../support/processes.js';
import { type QueueBroker, startQueueBroker } from '../support/queue-broker.js';

const SERVICES = ['fixture-gateway', 'fixture-orders', 'fixture-worker'];

interface AnyValueJson {
  stringValue?: string;
}
interface StoredSpan {
  service: string;
  name: string;
  attributes: Record<string, string | undefined>;
}
interface StoredLog {
  serviceName: string;
  spanId: string;
  body: unknown;
  attributes: Record<string, unknown>;
}

let tracehouse: TestServer;
let broker: QueueBroker;
let shop: FixtureShop;
let traceId: string;
let traceJson: string;
let spans: StoredSpan[];
let logsJson: string;
let logs: StoredLog[];

before(async () => {
  tracehouse = await startTestServer();
  broker = await startQueueBroker();
  shop = await startFixtureShop({
    otlpUrl: tracehouse.urls.otlpHttp,
    brokerUrl: broker.url,
    protocols: { gateway: 'http/json', orders: 'http/protobuf', worker: 'http/protobuf' },
  });

  const response = await fetch(`${shop.gatewayUrl}/checkout`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      baggage: 'enduser.id=u-42,tenant_tier=gold',
      authorization: `Bearer ${PLANTED.bearer}`,
    },
    body: JSON.stringify({ item: 'book' }),
  });
  assert.equal(response.status, 201);
  await response.arrayBuffer();

  // The gateway prints its log lines with the trace id; the worker's "payment failed" is the last
  // line of the flow, so once it is printed every span and log of the trace has ended.
  const line = await shop.services.gateway.waitForLine(/"trace_id"/);
  traceId = JSON.parse(line).trace_id;
  await shop.services.worker.waitForLine(/payment failed/);
  // Flush rather than wait for batch timers: SIGTERM makes each service export everything and exit.
  for (const service of Object.values(shop.services)) service.child.kill('SIGTERM');
  for (const service of Object.values(shop.services)) assert.equal((await service.exited).code, 143);

  // Every export was acknowledged before the services exited (durably written, per the contract),
  // so the data is queryable; the wait only covers the API reading it back.
  const deadline = Date.now() + 15_000;
  for (;;) {
    await readBack();
    if (spans && SERVICES.every((name) => spans.some((span) => span.service === name))) break;
    if (Date.now() > deadline) throw new Error(`trace ${traceId} not complete in tracehouse after 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

after(async () => {
  await killAll();
  await broker?.close();
  await tracehouse?.stop();
});

async function readBack(): Promise<void> {
  const trace = await tracehouse.get(`/api/v1/traces/${traceId}`);
  if (trace.status !== 200) return;
  traceJson = JSON.stringify(trace.body);
  spans = flattenSpans(trace.body);
  const found = await tracehouse.get(`/api/v1/logs?traceId=${traceId}&limit=1000`);
  assert.equal(found.status, 200, JSON.stringify(found.body));
  logsJson = JSON.stringify(found.body);
  logs = found.body.logs;
}

test('tracehouse holds one trace across the three services, with enduser.id on every span', () => {
  assert.deepEqual([...new Set(spans.map((span) => span.service))].sort(), SERVICES);
  assert.ok(spans.length >= 8, `a full trace, got ${spans.length} spans`);
  for (const span of spans) {
    assert.equal(span.attributes['enduser.id'], 'u-42', `${span.service} "${span.name}" carries enduser.id`);
    assert.equal(span.attributes.tenant_tier, undefined, 'baggage outside the allow-list is not copied');
  }
  assert.ok(spans.some((span) => span.name === 'process orders.created' && span.service === 'fixture-worker'));
});

test('tracehouse holds the log records of every service, linked to the trace, with enduser.id', () => {
  assert.deepEqual([...new Set(logs.map((log) => log.serviceName))].sort(), SERVICES);
  for (const log of logs) {
    assert.match(log.spanId, /^[0-9a-f]{16}$/, `log ${JSON.stringify(log.body)} has a span id`);
    assert.equal(log.attributes['enduser.id'], 'u-42', `log ${JSON.stringify(log.body)} carries enduser.id`);
    assert.equal(log.attributes.tenant_tier, undefined);
  }
});

test('no planted secret reached tracehouse', () => {
  for (const secret of Object.values(PLANTED)) {
    assert.ok(!traceJson.includes(secret), `${secret} stored in a span`);
    assert.ok(!logsJson.includes(secret), `${secret} stored in a log record`);
  }
  assert.ok(traceJson.includes('[REDACTED]'), 'the redacted attributes were stored as [REDACTED]');
});

/** OTLP/JSON TracesData -> one flat record per span with its service and string attributes. */
function flattenSpans(data: {
  resourceSpans: {
    resource: { attributes: { key: string; value: AnyValueJson }[] };
    scopeSpans: { spans: { name: string; attributes?: { key: string; value: AnyValueJson }[] }[] }[];
  }[];
}): StoredSpan[] {
  const result: StoredSpan[] = [];
  for (const resourceSpans of data.resourceSpans) {
    const service = resourceSpans.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value
      .stringValue;
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        const attributes: Record<string, string | undefined> = {};
        for (const { key, value } of span.attributes ?? []) attributes[key] = value.stringValue;
        result.push({ service: service ?? '', name: span.name, attributes });
      }
    }
  }
  return result;
}
