// `npm run demo`: starts the shop (broker, auth, orders, worker, gateway: one Node process each,
// the four services started with `--import @tracehouse/node/register`) plus a traffic driver,
// exporting to tracehouse at OTEL_EXPORTER_OTLP_ENDPOINT (default http://127.0.0.1:4318).
// Ctrl-C stops everything; each service flushes its telemetry on the way out.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sleep } from './lib/http-json.js';
import { ORDERS_CREATED, PORTS, urlOf } from './lib/settings.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    rps: { type: 'string', default: '8' },
    users: { type: 'string', default: '4' },
    'min-checkouts': { type: 'string', default: '0' },
  },
});

const shopDir = fileURLToPath(new URL('..', import.meta.url));
const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318';
const protocol = process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
const logDir = join(tmpdir(), 'tracehouse-shop');
mkdirSync(logDir, { recursive: true });

interface Service {
  name: 'broker' | 'auth' | 'orders' | 'worker' | 'gateway';
  instrumented: boolean;
  ready: () => Promise<boolean>;
}

interface TopicStats {
  queued: number;
  inFlight: number;
  polls: number;
}

const httpOk = (url: string) => () =>
  fetch(url).then(
    (response) => response.ok,
    () => false,
  );
const topicStats = (): Promise<TopicStats | undefined> =>
  fetch(`${urlOf('broker')}/topics/${ORDERS_CREATED}/stats`).then(
    (response) => (response.ok ? (response.json() as Promise<TopicStats>) : undefined),
    () => undefined,
  );

// Start order: dependencies first, the public gateway last. Each is started once the previous one is
// ready; the worker has no HTTP port, it is ready once the broker has seen it poll.
const SERVICES: Service[] = [
  { name: 'broker', instrumented: false, ready: httpOk(`${urlOf('broker')}/readyz`) },
  { name: 'auth', instrumented: true, ready: httpOk(`${urlOf('auth')}/readyz`) },
  { name: 'orders', instrumented: true, ready: httpOk(`${urlOf('orders')}/readyz`) },
  { name: 'worker', instrumented: true, ready: async () => ((await topicStats())?.polls ?? 0) > 0 },
  { name: 'gateway', instrumented: true, ready: httpOk(`${urlOf('gateway')}/readyz`) },
];

const children = new Map<string, ChildProcess>();
let stopping = false;

function start(service: Service): ChildProcess {
  const logFile = join(logDir, `${service.name}.log`);
  const log = openSync(logFile, 'w');
  const env: NodeJS.ProcessEnv = { ...process.env, SHOP_BASE_PORT: String(PORTS.gateway) };
  if (service.instrumented) {
    Object.assign(env, {
      OTEL_SERVICE_NAME: `shop-${service.name}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_RESOURCE_ATTRIBUTES: [
        'deployment.environment.name=demo,service.version=0.1.0',
        process.env.OTEL_RESOURCE_ATTRIBUTES,
      ]
        .filter(Boolean)
        .join(','),
      // Shorter than the defaults (5 s, 60 s) so the first data shows up quickly.
      OTEL_BSP_SCHEDULE_DELAY: process.env.OTEL_BSP_SCHEDULE_DELAY ?? '1000',
      OTEL_METRIC_EXPORT_INTERVAL: process.env.OTEL_METRIC_EXPORT_INTERVAL ?? '10000',
    });
  }
  const flags = ['--import', 'tsx', ...(service.instrumented ? ['--import', '@tracehouse/node/register'] : [])];
  const child = spawn(process.execPath, [...flags, `src/${service.name}.ts`], {
    cwd: shopDir,
    env,
    stdio: ['ignore', log, log],
  });
  children.set(service.name, child);
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    if (stopping) return;
    console.error(`\n${service.name} exited unexpectedly (${signal ?? code}); last lines of ${logFile}:`);
    console.error(readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n'));
    void stop(1);
  });
  return child;
}

/** Polls `condition` until it holds; false when `timeoutMillis` passed first. */
async function waitFor(condition: () => Promise<boolean>, timeoutMillis: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMillis;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(100);
  }
  return false;
}

/**
 * Waits until every order message has been consumed and acknowledged, so that stopping the services
 * interrupts no request and no message: every span and log line of the run has ended by then.
 */
async function drainQueue(timeoutMillis: number): Promise<void> {
  const drained = await waitFor(async () => {
    const stats = await topicStats();
    return stats === undefined || (stats.queued === 0 && stats.inFlight === 0);
  }, timeoutMillis);
  if (!drained) console.warn(`! ${ORDERS_CREATED} not drained after ${timeoutMillis} ms; stopping anyway`);
}

/** Any HTTP answer means something listens there; only a refused connection is worth a warning. */
async function checkEndpoint(): Promise<void> {
  if (protocol === 'grpc') return;
  const reachable = await fetch(`${endpoint.replace(/\/+$/, '')}/v1/traces`, { method: 'POST', body: '' }).then(
    () => true,
    () => false,
  );
  if (!reachable) {
    console.warn(
      `! nothing answers at ${endpoint}: start tracehouse first (npm start), or set OTEL_EXPORTER_OTLP_ENDPOINT.`,
    );
    console.warn('  The shop runs anyway; its telemetry is dropped until the endpoint comes up.\n');
  }
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping: services flush their telemetry before exiting...');
  // First no new requests, then no message left in flight, then the services: nothing they were
  // doing is cut off, so every trace of the run is complete.
  const traffic = children.get('traffic');
  if (traffic) {
    const exited = new Promise((resolve) => traffic.once('exit', resolve));
    traffic.kill('SIGTERM');
    const timer = setTimeout(() => traffic.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (children.has('broker') && children.has('worker')) await drainQueue(30_000);
  // Reverse start order, so nothing keeps sending to a service that is already gone.
  for (const service of [...SERVICES].reverse()) {
    const child = children.get(service.name);
    if (!child) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

await checkEndpoint();
for (const service of SERVICES) {
  start(service);
  if (!(await waitFor(service.ready, 30_000))) {
    console.error(`${service.name} not ready after 30 s; see ${join(logDir, `${service.name}.log`)}`);
    await stop(1);
  }
}

console.log(
  `shop is up: gateway ${urlOf('gateway')} (try: curl -X POST -H 'authorization: Bearer tok-u42' ${urlOf('gateway')}/api/checkout)`,
);
console.log(`telemetry -> ${endpoint} (${protocol}) as shop-auth, shop-orders, shop-worker, shop-gateway`);
console.log(`service logs: ${logDir}/<service>.log`);
console.log('open the tracehouse UI (http://127.0.0.1:3200 by default) and filter on enduser.id = u-42');
console.log('Ctrl-C to stop\n');

const trafficArgs = [
  '--users',
  values.users,
  '--rps',
  values.rps,
  ...(values.duration ? ['--duration', values.duration] : []),
  '--min-checkouts',
  values['min-checkouts'],
];
const traffic = spawn(process.execPath, ['--import', 'tsx', 'src/traffic.ts', ...trafficArgs], {
  cwd: shopDir,
  env: { ...process.env, SHOP_BASE_PORT: String(PORTS.gateway) },
  stdio: ['ignore', 'inherit', 'inherit'],
});
children.set('traffic', traffic);
traffic.on('exit', () => {
  children.delete('traffic');
  void stop(0);
});
