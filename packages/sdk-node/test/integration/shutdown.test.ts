// SIGTERM in the middle of load: each service must flush, before exiting with 143, every span and
// every log record that ended before the signal arrived. The fixtures print each ended span id and
// each log line synchronously, plus a marker when SIGTERM arrives, which makes "before" exact.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type FixtureShop, type Role, startFixtureShop } from '../support/fixture-shop.js';
import { type OtlpCapture, startOtlpCapture } from '../support/otlp-capture.js';
import { eventually, killAll } from '../support/processes.js';
import { type QueueBroker, startQueueBroker } from '../support/queue-broker.js';

const ROLES: Role[] = ['gateway', 'orders', 'worker'];
const MARKER = 'signal-received';

let capture: OtlpCapture;
let broker: QueueBroker;
let shop: FixtureShop;
let exits: { code: number | null; signal: NodeJS.Signals | null }[];
let completedRequests = 0;

before(async () => {
  capture = await startOtlpCapture();
  broker = await startQueueBroker();
  // All protobuf here (the propagation test covers JSON), so both encodings see a shutdown.
  shop = await startFixtureShop({
    otlpUrl: capture.url,
    brokerUrl: broker.url,
    protocols: { gateway: 'http/protobuf', orders: 'http/protobuf', worker: 'http/protobuf' },
  });

  let loading = true;
  const client = async () => {
    while (loading) {
      try {
        const response = await fetch(`${shop.gatewayUrl}/checkout`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', baggage: 'enduser.id=u-7' },
          body: '{}',
        });
        await response.arrayBuffer();
        completedRequests++;
      } catch {
        // Expected once the services stop accepting connections.
      }
    }
  };
  const clients = Array.from({ length: 6 }, client);
  // Signal mid-load once there is enough finished work to lose: a condition, not a duration, so a
  // slow machine only makes this take longer.
  await eventually(
    () =>
      completedRequests >= 20 &&
      ROLES.every((role) => {
        const { stdout, stderr } = shop.services[role];
        return (
          stderr.filter((line) => line.startsWith('span-ended ')).length >= 10 &&
          stdout.filter((line) => line.startsWith('{')).length >= 10
        );
      }),
    60_000,
    'every service to have ended 10 spans and logged 10 lines under load',
  );
  for (const role of ROLES) shop.services[role].child.kill('SIGTERM');
  exits = await Promise.all(ROLES.map((role) => shop.services[role].exited));
  loading = false;
  await Promise.all(clients);
});

after(async () => {
  await killAll();
  await capture?.close();
  await broker?.close();
});

test('every service exits with 128 + SIGTERM after flushing', () => {
  assert.ok(completedRequests >= 20, `load ran (${completedRequests} requests)`);
  assert.deepEqual(
    exits.map((exit) => exit.code),
    [143, 143, 143],
  );
});

test('no span that ended before SIGTERM is lost', () => {
  const exported = new Set(capture.spans.map((span) => span.spanId));
  for (const role of ROLES) {
    const stderr = shop.services[role].stderr;
    const marker = stderr.indexOf(MARKER);
    assert.ok(marker > 0, `${role} saw SIGTERM after ending spans`);
    const endedBefore = stderr
      .slice(0, marker)
      .filter((line) => line.startsWith('span-ended '))
      .map((line) => line.slice('span-ended '.length));
    assert.ok(endedBefore.length >= 10, `${role} ended spans under load (${endedBefore.length})`);
    const missing = endedBefore.filter((spanId) => !exported.has(spanId));
    assert.deepEqual(missing, [], `${role}: ${missing.length} of ${endedBefore.length} spans lost`);
  }
});

test('no log record written before SIGTERM is lost, and metrics are flushed too', () => {
  for (const role of ROLES) {
    const stdout = shop.services[role].stdout;
    const marker = stdout.indexOf(MARKER);
    assert.ok(marker > 0, `${role} printed the marker`);
    const printed = stdout
      .slice(0, marker)
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { seq: number });
    assert.ok(printed.length >= 10, `${role} logged under load (${printed.length})`);
    const exported = new Set(
      capture.logs.filter((log) => log.service === `fixture-${role}`).map((log) => log.attributes.seq),
    );
    const missing = printed.filter((line) => !exported.has(line.seq)).map((line) => line.seq);
    assert.deepEqual(missing, [], `${role}: ${missing.length} of ${printed.length} log records lost`);
  }
  // The metric reader's interval (60 s) never elapsed: only the shutdown flush can have sent these.
  const metrics = capture.requests.filter((request) => request.path === '/v1/metrics');
  assert.ok(metrics.length >= ROLES.length);
  // Runtime metrics are exported; the HTTP duration histograms are not (tracehouse derives RED from spans).
  const bodies = metrics.map((request) => request.body.toString('latin1')).join('\n');
  assert.match(bodies, /nodejs\.eventloop|v8js\./);
  assert.doesNotMatch(bodies, /http\.(server|client)\.request\.duration/);
});
