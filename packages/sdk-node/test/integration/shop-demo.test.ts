// The examples/shop demo, run for a few seconds against a capture receiver: what a newcomer gets
// from `npm run demo` must be connected traces across all four services and the queue hop, with
// the authenticated user on everything downstream of the gateway, and a clean stop.
// Nothing here depends on timing: the demo starts traffic once every service (the worker included)
// is consuming, runs until at least three checkouts succeeded, and on the way out stops the traffic,
// waits until the queue is drained (every message handled and acknowledged), and only then stops the
// services, each flushing on SIGTERM. So every span and log line of the run has ended and is exported
// before the assertions run, however slow the machine.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { type CapturedSpan, type OtlpCapture, startOtlpCapture } from '../support/otlp-capture.js';
import { type ChildHandle, cleanEnv, killAll, spawnTs } from '../support/processes.js';

const DEMO = new URL('../../../../examples/shop/src/demo.ts', import.meta.url);
const SERVICES = ['shop-auth', 'shop-gateway', 'shop-orders', 'shop-worker'];
const CONSUMER = 5;

let capture: OtlpCapture;
let demo: ChildHandle;
let exitCode: number | null;

before(async () => {
  capture = await startOtlpCapture();
  demo = spawnTs(
    DEMO,
    cleanEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: capture.url, SHOP_BASE_PORT: String(await freePortRange(4)) }),
    {
      args: ['--duration', '4', '--rps', '20', '--min-checkouts', '3'],
    },
  );
  // The demo stops by itself after the traffic's duration, flushing every service on the way out.
  ({ code: exitCode } = await demo.exited);
});

after(async () => {
  await killAll();
  await capture?.close();
});

test('the demo starts, drives traffic and stops cleanly', () => {
  assert.equal(exitCode, 0, demo.stderr.join('\n'));
  assert.ok(demo.stdout.some((line) => line.startsWith('shop is up')));
  const done = demo.stdout.find((line) => line.startsWith('traffic done')) ?? '';
  assert.ok(Number(/checkout 201: (\d+)/.exec(done)?.[1]) >= 3, done);
  assert.ok(!demo.stderr.some((line) => line.includes('not drained')), 'the queue drained before the stop');
});

test('traces cross all four services and the queue hop, with the user downstream of the gateway', () => {
  assert.deepEqual([...new Set(capture.spans.map((span) => span.service))].sort(), SERVICES);
  const byTrace = new Map<string, CapturedSpan[]>();
  for (const span of capture.spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
  const full = [...byTrace.values()].filter((spans) => new Set(spans.map((span) => span.service)).size === 4);
  assert.ok(full.length > 0, 'at least one trace reaches all four services');
  for (const spans of full) {
    const consumer = spans.find((span) => span.kind === CONSUMER);
    assert.ok(consumer && spans.some((span) => span.spanId === consumer.parentSpanId), 'consumer continues the trace');
    for (const span of spans.filter((candidate) => ['shop-orders', 'shop-worker'].includes(candidate.service))) {
      assert.match(String(span.attributes['enduser.id']), /^u-/, `${span.service} "${span.name}" carries enduser.id`);
    }
  }
  assert.ok(capture.spans.some((span) => span.attributes['db.system.name'] === 'postgresql'));
});

test('every service exports logs, and the ones inside requests are linked to spans', () => {
  assert.deepEqual([...new Set(capture.logs.map((log) => log.service))].sort(), SERVICES);
  const spanIds = new Set(capture.spans.map((span) => span.spanId));
  const linked = capture.logs.filter((log) => log.spanId);
  assert.ok(linked.length > 10);
  for (const log of linked) assert.ok(spanIds.has(log.spanId), `log "${log.body}" points at an exported span`);
});

/** A base port whose next `count - 1` ports are free too: the demo derives its ports from one base. */
async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => isFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port range found');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
