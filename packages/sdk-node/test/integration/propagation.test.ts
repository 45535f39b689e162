// Three real processes (gateway -> orders over HTTP -> worker over a queue), each instrumented with
// @tracehouse/node, export to a capture receiver: the gateway and worker as OTLP/JSON, orders as
// OTLP/protobuf. One request with `baggage: enduser.id=u-42` must yield one connected trace with the
// user on every span and log record, and no planted secret may reach the receiver.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { REDACTED } from '@tracehouse/node';
import { PLANTED } from '../fixtures/planted-secrets.js';
import { type FixtureShop, startFixtureShop } from '../support/fixture-shop.js';
import { type CapturedLog, type CapturedSpan, type OtlpCapture, startOtlpCapture } from '../support/otlp-capture.js';
import { eventually, killAll } from '../support/processes.js';
import { type QueueBroker, startQueueBroker } from '../support/queue-broker.js';

const SPAN_KIND = { SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
const SERVICES = ['fixture-gateway', 'fixture-orders', 'fixture-worker'];

let capture: OtlpCapture;
let broker: QueueBroker;
let shop: FixtureShop;
let traceId: string;
let traceSpans: CapturedSpan[];
let traceLogs: CapturedLog[];

before(async () => {
  capture = await startOtlpCapture();
  broker = await startQueueBroker();
  shop = await startFixtureShop({
    otlpUrl: capture.url,
    brokerUrl: broker.url,
    protocols: { gateway: 'http/json', orders: 'http/protobuf', worker: 'http/json' },
  });

  assert.equal((await fetch(`${shop.gatewayUrl}/livez`)).status, 200);
  const response = await fetch(`${shop.gatewayUrl}/checkout`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      baggage: 'enduser.id=u-42,tenant_tier=gold,session.secret=abc123',
      authorization: `Bearer ${PLANTED.bearer}`,
    },
    body: JSON.stringify({ item: 'book' }),
  });
  assert.equal(response.status, 201);

  // Wait on what the processes report, not on time: the fixtures print the id of every span they
  // end (stderr) and every log line (stdout, numbered). Once the worker's consumer span is in, and
  // every span and log line any service has ended or printed so far has reached the receiver, the
  // trace is complete, however slow the machine.
  await eventually(
    () => {
      const entry = capture.spans.find((span) => span.service === 'fixture-gateway' && span.kind === SPAN_KIND.SERVER);
      if (!entry) return false;
      traceId = entry.traceId;
      const consumed = capture.spans.some(
        (span) => span.traceId === traceId && span.service === 'fixture-worker' && span.kind === SPAN_KIND.CONSUMER,
      );
      return consumed && everythingEndedWasExported();
    },
    30_000,
    'the whole trace, with every ended span and printed log line, at the receiver',
  );
  traceSpans = capture.spans.filter((span) => span.traceId === traceId);
  traceLogs = capture.logs.filter((log) => log.traceId === traceId);
});

function everythingEndedWasExported(): boolean {
  const spanIds = new Set(capture.spans.map((span) => span.spanId));
  for (const [role, service] of Object.entries(shop.services)) {
    const ended = service.stderr.filter((line) => line.startsWith('span-ended '));
    if (!ended.every((line) => spanIds.has(line.slice('span-ended '.length)))) return false;
    const seqs = new Set(
      capture.logs.filter((log) => log.service === `fixture-${role}`).map((log) => log.attributes.seq),
    );
    const printed = service.stdout.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line).seq);
    if (!printed.every((seq) => seqs.has(seq))) return false;
  }
  return true;
}

after(async () => {
  await killAll();
  await capture?.close();
  await broker?.close();
});

test('one trace id spans all three services, across the HTTP hop and the queue hop', () => {
  assert.deepEqual([...new Set(traceSpans.map((span) => span.service))].sort(), SERVICES);
  const ids = new Set(traceSpans.map((span) => span.spanId));
  const roots = traceSpans.filter((span) => !span.parentSpanId);
  assert.equal(roots.length, 1, 'exactly one root span');
  assert.equal(roots[0].service, 'fixture-gateway');
  for (const span of traceSpans) {
    if (span.parentSpanId)
      assert.ok(ids.has(span.parentSpanId), `${span.service} "${span.name}" has its parent in the trace`);
  }

  const ordersServer = traceSpans.find((span) => span.service === 'fixture-orders' && span.kind === SPAN_KIND.SERVER);
  const gatewayClient = traceSpans.find((span) => span.spanId === ordersServer?.parentSpanId);
  assert.equal(gatewayClient?.service, 'fixture-gateway');
  assert.equal(gatewayClient?.kind, SPAN_KIND.CLIENT);
});

test('the consumer span is the child of the producer span, links to it, and follows messaging conventions', () => {
  const producer = traceSpans.find((span) => span.kind === SPAN_KIND.PRODUCER);
  const consumer = traceSpans.find((span) => span.kind === SPAN_KIND.CONSUMER);
  assert.ok(producer && consumer);
  assert.equal(producer.service, 'fixture-orders');
  assert.equal(producer.name, 'send orders.created');
  assert.equal(consumer.service, 'fixture-worker');
  assert.equal(consumer.name, 'process orders.created');
  assert.equal(consumer.parentSpanId, producer.spanId);
  assert.deepEqual(consumer.links, [{ traceId, spanId: producer.spanId }]);
  for (const [span, operation] of [
    [producer, 'send'],
    [consumer, 'process'],
  ] as const) {
    assert.equal(span.attributes['messaging.system'], 'tracehouse_queue');
    assert.equal(span.attributes['messaging.destination.name'], 'orders.created');
    assert.equal(span.attributes['messaging.operation.type'], operation);
  }
  assert.equal(consumer.attributes['messaging.message.id'], broker.published[0].id);
  // The broker saw only the headers the producer wrote: W3C trace context and baggage.
  assert.match(broker.published[0].headers.traceparent, new RegExp(`^00-${traceId}-${producer.spanId}-01$`));
  assert.match(broker.published[0].headers.baggage, /enduser\.id=u-42/);
});

test('enduser.id from baggage is on every span and log record; keys outside the allow-list are not', () => {
  assert.ok(traceSpans.length >= 8, `expected a full trace, got ${traceSpans.length} spans`);
  for (const span of traceSpans) {
    assert.equal(span.attributes['enduser.id'], 'u-42', `${span.service} "${span.name}" carries enduser.id`);
  }
  assert.deepEqual([...new Set(traceLogs.map((log) => log.service))].sort(), SERVICES);
  for (const log of traceLogs)
    assert.equal(log.attributes['enduser.id'], 'u-42', `log "${log.body}" carries enduser.id`);

  const copied = [...capture.spans.map((span) => span.attributes), ...capture.logs.map((log) => log.attributes)];
  for (const attributes of copied) {
    assert.ok(!('tenant_tier' in attributes) && !('session.secret' in attributes), 'non-allow-listed baggage copied');
  }
});

test('log records carry the trace and span id of the span they were written in, as printed on stdout', () => {
  const spanIds = new Set(traceSpans.map((span) => span.spanId));
  for (const log of traceLogs) assert.ok(spanIds.has(log.spanId), `log "${log.body}" points at a span of the trace`);

  for (const role of ['gateway', 'orders', 'worker'] as const) {
    const printed = shop.services[role].stdout
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.trace_id === traceId);
    assert.ok(printed.length > 0, `${role} printed log lines inside the trace`);
    for (const line of printed) {
      assert.equal(line.service, `fixture-${role}`);
      assert.match(String(line.level), /^(info|error)$/);
      assert.match(String(line.span_id), /^[0-9a-f]{16}$/);
      const exported = traceLogs.find((log) => log.service === line.service && log.attributes.seq === line.seq);
      assert.ok(exported, `line ${line.seq} of ${role} was exported`);
      assert.equal(exported.spanId, line.span_id);
      assert.equal(exported.body, line.msg);
      assert.equal(exported.severityText, line.level);
    }
  }
});

test('planted secrets never reach the receiver, over JSON or protobuf', () => {
  const contentTypes = new Set(capture.requests.map((request) => request.contentType));
  assert.ok(
    contentTypes.has('application/json') && contentTypes.has('application/x-protobuf'),
    [...contentTypes].join(),
  );
  const secrets = [...Object.values(PLANTED), 'abc123'];
  for (const request of capture.requests) {
    for (const secret of secrets) {
      assert.ok(!request.body.includes(secret), `${secret} leaked in a ${request.contentType} ${request.path} request`);
    }
  }
  for (const role of ['gateway', 'orders', 'worker'] as const) {
    const stdout = shop.services[role].stdout.join('\n');
    for (const secret of [PLANTED.password, PLANTED.bearer, PLANTED.apiKey, PLANTED.pemBody]) {
      assert.ok(!stdout.includes(secret), `${secret} printed by ${role}`);
    }
  }

  // Redaction replaced the values rather than dropping what carried them.
  const gatewayServer = traceSpans.find((span) => span.service === 'fixture-gateway' && span.kind === SPAN_KIND.SERVER);
  assert.equal(gatewayServer?.attributes['http.request.header.authorization'], REDACTED);
  const handler = traceSpans.find((span) => span.attributes['app.user.password'] !== undefined);
  assert.equal(handler?.attributes['app.user.password'], REDACTED);
  assert.deepEqual(handler?.events.find((event) => event.name === 'login')?.attributes, {
    'app.session.token': REDACTED,
    note: `aws key ${REDACTED}`,
  });
  const query = traceSpans.find((span) => span.name === 'SELECT shop.users');
  assert.equal(query?.attributes['db.query.text'], `SELECT id FROM users WHERE password = '${REDACTED}'`);
  const coupon = traceSpans.find((span) => span.name === 'validate coupon');
  assert.equal(coupon?.status.code, 2);
  assert.equal(coupon?.status.message, `coupon service rejected ${REDACTED}`);
  assert.equal(traceSpans.find((span) => span.kind === SPAN_KIND.CONSUMER)?.attributes['app.secret'], REDACTED);

  const login = traceLogs.find((log) => String(log.body).startsWith('user logged in'));
  assert.equal(login?.body, `user logged in with password=${REDACTED}`);
  assert.equal(login?.attributes.apiKey, REDACTED);
  assert.equal(traceLogs.find((log) => log.body === 'loaded signing certificate')?.attributes.cert, REDACTED);
  const failure = traceLogs.find((log) => log.body === 'payment failed');
  assert.equal(failure?.attributes['exception.message'], `card declined for key ${REDACTED}`);
});

test('health checks are not traced, and every service identifies itself', () => {
  const health = capture.spans.filter((span) =>
    [span.attributes['url.path'], span.attributes['http.target'], span.attributes['http.route']].includes('/livez'),
  );
  assert.deepEqual(health, []);
  for (const service of SERVICES) {
    const span = traceSpans.find((candidate) => candidate.service === service);
    assert.match(String(span?.resource['service.instance.id']), /^[0-9a-f-]{36}$/);
    assert.equal(span?.resource['telemetry.sdk.language'], 'nodejs');
  }
});
