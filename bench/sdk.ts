// bench:sdk: throughput of one HTTP service with and without @tracehouse/node (100% sampling,
// exporting OTLP/protobuf to a local sink), measured in one run with alternating rounds so drift on
// the machine hits both sides alike. Prints one stable line and exits 1 only when the target is missed:
//   bench sdk workload=orders baseline_rps=… instrumented_rps=… rps_overhead_pct=… baseline_cpu_us=…
//     instrumented_cpu_us=… overhead_pct=… ratio=… baseline_rss_mb=… instrumented_rss_mb=… target_pct=5 PASS|MISS
//
// Two ways to read "throughput", both printed:
// - req/s as measured. The load generator, the sink, the downstream stub and other work share the
//   machine's cores with the server, so req/s moves ±10% between rounds and any fixed cost outside
//   the server dilutes the ratio.
// - capacity: 1 / (server CPU time per request), what the single-threaded service sustains when it
//   is the bottleneck. It counts every thread of the server process (GC helpers, the thread pool)
//   and is barely moved by other load, so it is the figure the target applies to (overhead_pct).
//
// Workloads (--workload):
// - orders (default, the realistic case): `GET /orders?customer=…`, a customer's order-history page.
//   It calls a downstream service over HTTP keep-alive (an uninstrumented stub in the orchestrator
//   process, answering --orders 50 orders of 3 lines, ~17 KB of JSON), parses the answer, prices and
//   sorts the orders inside one manual span, and answers ~17 KB of JSON: the page size of a typical
//   list endpoint. Three spans per request: SERVER, CLIENT, INTERNAL.
// - ping (the worst case): answers `{"ok":true}` at once. One SERVER span on a request that does no
//   work, so the ratio shows the SDK's fixed per-request cost against almost nothing.
//
// Extra figures, measured against the same baseline in the same run (the target applies to the
// 100% line only):
// - --sampling 0.1,0.01 (default; '' for none): the same SDK at realistic head-sampling ratios
//   (parentbased_traceidratio), one `bench sdk … sampling=R cpu_us=… added_us=… overhead_pct=…` line each.
// - BENCH_SDK_VARIANTS='{"name":{"env":{…},"sdk":true,"flags":[…],"register":"path"}}': more servers
//   for an investigation, e.g. sampler off, an exporter off, `"sdk":false` + `BENCH_SDK_ALS=1`
//   (AsyncLocalStorage alone, no SDK), or `register` pointing at another checkout's SDK for a
//   before/after in one run. One `… variant=name …` line each.
// - stderr also splits each side's CPU into the main thread and the rest (GC helper threads, the
//   thread pool; Linux only), and main-thread GC pauses.
// - BENCH_SDK_PROFILE=<dir>: a V8 CPU profile of every server (<dir>/<name>/*.cpuprofile).
//
// One file, three roles (each its own process, so load generation never shares the server's event loop):
//   node --import tsx bench/sdk.ts                      orchestrator + OTLP sink + downstream stub
//   ... bench/sdk.ts --role server                       the service (instrumented via --import)
//   ... bench/sdk.ts --role load --url U --seconds S     keep-alive load, prints completed requests

import { AsyncLocalStorage } from 'node:async_hooks';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { withSpan } from '@tracehouse/node';

const WORKLOADS = ['orders', 'ping'] as const;
type Workload = (typeof WORKLOADS)[number];

const { values: args } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    url: { type: 'string' },
    downstream: { type: 'string' },
    workload: { type: 'string', default: process.env.BENCH_SDK_WORKLOAD ?? 'orders' },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '6' },
    concurrency: { type: 'string', default: '32' },
    orders: { type: 'string', default: '50' },
    target: { type: 'string', default: process.env.BENCH_SDK_TARGET_PCT ?? '5' },
    sampling: { type: 'string', default: process.env.BENCH_SDK_SAMPLING ?? '0.1,0.01' },
  },
});

const SELF = fileURLToPath(import.meta.url);
const workload = args.workload as Workload;
if (!WORKLOADS.includes(workload)) throw new Error(`--workload must be one of ${WORKLOADS.join(', ')}`);

if (args.role === 'server') await runServer();
else if (args.role === 'load') await runLoad(args.url ?? '', Number(args.seconds), Number(args.concurrency));
else await runMain();

interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
}
interface Order {
  id: string;
  customerId: string;
  placedAt: string;
  status: string;
  currency: string;
  lines: OrderLine[];
}

/** The service under test. It prints `ready <port>`; `/metrics` (not traced) reports its CPU time. */
async function runServer(): Promise<void> {
  const downstream = args.downstream ?? '';
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let served = 0;
  // Main-thread GC pauses (all of the GC with --single-threaded-gc), for the per-round GC figure.
  let gcMicros = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMicros += entry.duration * 1000;
  }).observe({ entryTypes: ['gc'] });
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/metrics') {
      const { user, system } = process.cpuUsage();
      return void res.end(
        JSON.stringify({
          cpuMicros: user + system,
          systemMicros: system,
          mainThreadMicros: mainThreadMicros(),
          gcMicros,
          served,
          maxRssKb: process.resourceUsage().maxRSS,
        }),
      );
    }
    served++;
    if (workload === 'ping') {
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }
    const customer = new URL(req.url ?? '/', 'http://service').searchParams.get('customer') ?? 'c-1';
    getJson<Order[]>(agent, `${downstream}/customers/${encodeURIComponent(customer)}/orders`).then(
      (orders) => {
        const body = withSpan('price orders', () => priceOrders(customer, orders), { 'app.orders': orders.length });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      },
      (error: Error) => {
        res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message }));
      },
    );
  };
  // BENCH_SDK_ALS=1 (a variant without the SDK): each request runs inside AsyncLocalStorage.run, which
  // on Node 20 turns on the async hooks every OpenTelemetry context manager relies on. That is the
  // floor of any context propagation, measured apart from everything else.
  const als = process.env.BENCH_SDK_ALS === '1' ? new AsyncLocalStorage<IncomingMessage>() : undefined;
  const server = createServer(als ? (req, res) => als.run(req, handle, req, res) : handle);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The SDK flushes and exits on SIGTERM; without it, exit cleanly too, so `--cpu-prof` writes its profile.
  if (process.listenerCount('SIGTERM') === 0) process.once('SIGTERM', () => process.exit(0));
  // For reading a CPU profile per request (BENCH_SDK_PROFILE).
  process.once('exit', () => console.error(`served ${served}`));
  console.log(`ready ${(server.address() as AddressInfo).port}`);
}

/** What an orders endpoint does with its data: totals, formatting, newest first, a summary. */
function priceOrders(customerId: string, orders: Order[]) {
  const priced = orders.map((order) => {
    const totalCents = order.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
    return {
      id: order.id,
      placedAt: order.placedAt,
      status: order.status,
      items: order.lines.map((line) => ({
        sku: line.sku,
        name: line.name,
        quantity: line.quantity,
        price: formatMoney(line.unitPriceCents, order.currency),
      })),
      total: formatMoney(totalCents, order.currency),
      totalCents,
    };
  });
  priced.sort((a, b) => b.placedAt.localeCompare(a.placedAt));
  const spentCents = priced.reduce((sum, order) => sum + order.totalCents, 0);
  return { customerId, count: priced.length, spent: formatMoney(spentCents, 'EUR'), orders: priced };
}

function formatMoney(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}

function getJson<T>(agent: Agent, url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { accept: 'application/json' } }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`downstream answered ${res.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
        } catch (error) {
          reject(error as Error);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Closed-loop load: `concurrency` keep-alive connections, each sending its next request on completion. */
async function runLoad(url: string, seconds: number, concurrency: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const deadline = performance.now() + seconds * 1000;
  let completed = 0;
  let failed = 0;
  let sequence = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const path = workload === 'ping' ? '/ping' : `/orders?customer=c-${sequence++ % 500}`;
      const req = request(`${url}${path}`, { agent }, (res: IncomingMessage) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) completed++;
          else failed++;
          resolve();
        });
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end();
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) await once();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  console.log(JSON.stringify({ rps: completed / elapsed, completed, failed }));
}

/** One server of the run: the baseline, the instrumented one at 100%, or an extra variant. */
interface Side {
  name: string;
  /** Label in the printed line: `sampling=0.1` or `variant=<name>`; empty for the two main sides. */
  label: string;
  url: string;
  child: ChildProcess;
  results: RoundResult[];
}

/** Extra servers for an investigation, e.g. `{"no_traces":{"env":{"OTEL_TRACES_EXPORTER":"none"}}}`. */
/** `register`: another copy of the SDK's register entry (e.g. another checkout's) for before/after in one run. */
type VariantSpec = Record<string, { env?: Record<string, string>; sdk?: boolean; flags?: string[]; register?: string }>;

async function runMain(): Promise<void> {
  const target = Number(args.target);
  const sink = await startSink();
  const downstream = await startDownstream(Number(args.orders));
  const sdkEnv = {
    OTEL_SERVICE_NAME: 'bench-sdk',
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_TRACES_SAMPLER: 'always_on',
    // Lets an investigation switch parts off (e.g. '{"OTEL_METRICS_EXPORTER":"none"}') without editing.
    ...JSON.parse(process.env.BENCH_SDK_ENV ?? '{}'),
  };
  const sdkFlags = ['--import', '@tracehouse/node/register'];
  const sides: Side[] = [];
  const add = async (name: string, label: string, env: Record<string, string>, flags: string[]) => {
    const server = await startServer(name, env, downstream.url, flags);
    sides.push({ name, label, ...server, results: [] });
  };

  try {
    await add('baseline', '', {}, []);
    await add('instrumented', '', sdkEnv, sdkFlags);
    // Realistic head sampling (parent-based, as a root service would run it): extra figures, same run.
    for (const ratio of args.sampling.split(',').filter(Boolean)) {
      await add(
        `sampling_${ratio}`,
        `sampling=${ratio}`,
        { ...sdkEnv, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: ratio },
        sdkFlags,
      );
    }
    const variants = JSON.parse(process.env.BENCH_SDK_VARIANTS ?? '{}') as VariantSpec;
    for (const [name, spec] of Object.entries(variants)) {
      const withSdk = spec.sdk ?? true;
      const register = spec.register ? ['--import', spec.register] : sdkFlags;
      const flags = [...(spec.flags ?? []), ...(withSdk ? register : [])];
      await add(name, `variant=${name}`, { ...(withSdk ? sdkEnv : {}), ...spec.env }, flags);
    }

    const seconds = Number(args.seconds);
    // Warm-up: JIT, connection pools, the exporter's first batches. Not counted.
    for (const side of sides) await load(side.url, 3);
    for (let round = 0; round < Number(args.rounds); round++) {
      // Rotate which side goes first, so a trend over time does not favour one side.
      for (let i = 0; i < sides.length; i++) {
        const side = sides[(round + i) % sides.length];
        const result = await load(side.url, seconds);
        side.results.push(result);
        console.error(
          `round ${round + 1} ${side.name.padEnd(16)} ${result.rps.toFixed(0).padStart(6)} req/s ` +
            `${result.cpuMicrosPerRequest.toFixed(1).padStart(7)} µs CPU/req ` +
            `(main thread ${result.mainThreadMicrosPerRequest.toFixed(1)}, kernel ${result.systemMicrosPerRequest.toFixed(1)}, ` +
            `GC pauses ${result.gcMicrosPerRequest.toFixed(1)})`,
        );
      }
    }
    const [baseline, instrumented, ...extras] = sides;
    const baselineRps = median(baseline.results.map((result) => result.rps));
    const baselineCpu = median(baseline.results.map((result) => result.cpuMicrosPerRequest));
    const figures = (side: Side) => {
      const rps = median(side.results.map((result) => result.rps));
      const cpu = median(side.results.map((result) => result.cpuMicrosPerRequest));
      const mainThread = median(side.results.map((result) => result.mainThreadMicrosPerRequest));
      const gc = median(side.results.map((result) => result.gcMicrosPerRequest));
      const kernel = median(side.results.map((result) => result.systemMicrosPerRequest));
      // Capacity is 1 / CPU per request, so the capacity lost is 1 - baseline / instrumented.
      const ratio = baselineCpu / cpu;
      const rpsOverhead = ((baselineRps - rps) / baselineRps) * 100;
      // Paired per round (each round measures every side within seconds), so drift of the machine's
      // load between rounds cancels out: the median of the rounds' own capacity losses.
      const paired = median(
        side.results.map(
          (result, round) => (1 - baseline.results[round].cpuMicrosPerRequest / result.cpuMicrosPerRequest) * 100,
        ),
      );
      const peakRss = Math.max(...side.results.map((result) => result.peakRssMb));
      return { rps, cpu, mainThread, gc, kernel, ratio, overhead: (1 - ratio) * 100, rpsOverhead, paired, peakRss };
    };
    const main = figures(instrumented);
    console.error(
      `server CPU per request: baseline ${baselineCpu.toFixed(1)} µs, instrumented ${main.cpu.toFixed(1)} µs ` +
        `(+${(main.cpu - baselineCpu).toFixed(1)} µs); sink received ${sink.requests} export requests ` +
        `(${(sink.tracesBytes / 1e6).toFixed(1)} MB of spans); main thread alone: baseline ` +
        `${figures(baseline).mainThread.toFixed(1)} µs, instrumented ${main.mainThread.toFixed(1)} µs; GC pauses: baseline ` +
        `${figures(baseline).gc.toFixed(1)} µs, instrumented ${main.gc.toFixed(1)} µs; kernel: baseline ` +
        `${figures(baseline).kernel.toFixed(1)} µs, instrumented ${main.kernel.toFixed(1)} µs; capacity lost, paired by round: ` +
        `${main.paired.toFixed(1)}%`,
    );
    const missed = main.overhead > target;
    console.log(
      `bench sdk workload=${workload} baseline_rps=${baselineRps.toFixed(0)} instrumented_rps=${main.rps.toFixed(0)} ` +
        `rps_overhead_pct=${main.rpsOverhead.toFixed(1)} baseline_cpu_us=${baselineCpu.toFixed(1)} ` +
        `instrumented_cpu_us=${main.cpu.toFixed(1)} overhead_pct=${main.overhead.toFixed(1)} ratio=${main.ratio.toFixed(3)} ` +
        `baseline_rss_mb=${figures(baseline).peakRss.toFixed(0)} instrumented_rss_mb=${main.peakRss.toFixed(0)} ` +
        `target_pct=${target} ${missed ? 'MISS' : 'PASS'}`,
    );
    // Extra figures against the same baseline; the target applies to the 100% line only.
    for (const side of extras) {
      const extra = figures(side);
      console.log(
        `bench sdk workload=${workload} ${side.label} cpu_us=${extra.cpu.toFixed(1)} ` +
          `added_us=${(extra.cpu - baselineCpu).toFixed(1)} overhead_pct=${extra.overhead.toFixed(1)} ratio=${extra.ratio.toFixed(3)} ` +
          `paired_overhead_pct=${extra.paired.toFixed(1)} main_thread_us=${extra.mainThread.toFixed(1)} gc_pause_us=${extra.gc.toFixed(1)} ` +
          `peak_rss_mb=${extra.peakRss.toFixed(0)}`,
      );
    }
    process.exitCode = missed ? 1 : 0;
    if (sink.tracesBytes === 0) {
      console.error('the instrumented server exported no spans: the measurement is void');
      process.exitCode = 2;
    }
  } finally {
    for (const side of sides) await stopServer(side.child);
    sink.close();
    downstream.close();
  }
}

interface RoundResult {
  rps: number;
  /** Server CPU time per request, user + system: unlike req/s, barely moved by other load on the machine. */
  cpuMicrosPerRequest: number;
  /** The part spent on the main (JavaScript) thread; the rest is GC helpers, the thread pool, loader threads. */
  mainThreadMicrosPerRequest: number;
  /** Main-thread GC pauses per request. */
  gcMicrosPerRequest: number;
  /** The part of the CPU time spent in the kernel (system time), all threads. */
  systemMicrosPerRequest: number;
  /** The server's peak RSS since it started (all rounds so far). */
  peakRssMb: number;
}

async function load(url: string, seconds: number): Promise<RoundResult> {
  const before = await serverStats(url);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      SELF,
      '--role',
      'load',
      '--workload',
      workload,
      '--url',
      url,
      '--seconds',
      String(seconds),
      '--concurrency',
      args.concurrency,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  await new Promise((resolve) => child.on('exit', resolve));
  const after = await serverStats(url);
  const { rps, failed } = JSON.parse(output) as { rps: number; failed: number };
  if (failed > 0) throw new Error(`${failed} requests failed against ${url}`);
  const served = after.served - before.served;
  return {
    rps,
    cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / served,
    mainThreadMicrosPerRequest: (after.mainThreadMicros - before.mainThreadMicros) / served,
    systemMicrosPerRequest: (after.systemMicros - before.systemMicros) / served,
    gcMicrosPerRequest: (after.gcMicros - before.gcMicros) / served,
    peakRssMb: after.maxRssKb / 1024,
  };
}

interface ServerStats {
  cpuMicros: number;
  systemMicros: number;
  mainThreadMicros: number;
  gcMicros: number;
  served: number;
  /** Peak resident memory of the server process so far. */
  maxRssKb: number;
}

async function serverStats(url: string): Promise<ServerStats> {
  return (await fetch(`${url}/metrics`)).json() as Promise<ServerStats>;
}

/** CPU time of the main thread alone (Linux: /proc, in clock ticks of 10 ms); NaN elsewhere. */
function mainThreadMicros(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

async function startServer(
  name: string,
  env: Record<string, string>,
  downstreamUrl: string,
  flags: string[],
): Promise<{ url: string; child: ChildProcess }> {
  // BENCH_SDK_PROFILE=<dir>: V8 CPU profiles of every server, written when it stops, in <dir>/<name>/
  // (one file per thread: the main thread's is the largest; the other is the ESM loader's).
  const profileDir = process.env.BENCH_SDK_PROFILE;
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', `${profileDir}/${name}`] : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      '--import',
      'tsx',
      ...flags,
      SELF,
      '--role',
      'server',
      '--workload',
      workload,
      '--downstream',
      downstreamUrl,
    ],
    {
      env: { ...withoutOtelEnv(), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** An OTLP/HTTP endpoint that accepts everything and keeps only counts, so it costs the server nothing. */
async function startSink() {
  const stats = { requests: 0, tracesBytes: 0 };
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      stats.requests++;
      if (req.url === '/v1/traces') stats.tracesBytes += bytes;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return stats.requests;
    },
    get tracesBytes() {
      return stats.tracesBytes;
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * The service's downstream dependency (say, an order-history service): `GET /customers/:id/orders`
 * answers a customer's last orders. Bodies are built once per customer, so it costs little CPU.
 */
async function startDownstream(ordersPerCustomer: number) {
  const bodies = new Map<string, string>();
  const server = createServer((req, res) => {
    const match = /^\/customers\/([^/]+)\/orders$/.exec(req.url ?? '');
    if (!match) return void res.writeHead(404).end();
    const customerId = decodeURIComponent(match[1]);
    let body = bodies.get(customerId);
    if (!body) {
      body = JSON.stringify(sampleOrders(customerId, ordersPerCustomer));
      bodies.set(customerId, body);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

function sampleOrders(customerId: string, count: number): Order[] {
  const seed = Number(/\d+/.exec(customerId)?.[0] ?? 1);
  return Array.from({ length: count }, (_, i) => ({
    id: `o-${seed}-${i}`,
    customerId,
    placedAt: new Date(Date.UTC(2026, 10, 1) - ((seed * 7919 + i * 104729) % 90) * 86_400_000).toISOString(),
    status: ['placed', 'paid', 'shipped', 'delivered'][(seed + i) % 4],
    currency: 'EUR',
    lines: Array.from({ length: 3 }, (_, j) => ({
      sku: `sku-${(seed * 31 + i * 7 + j) % 997}`,
      name: ['Paperback book', 'Coffee mug', 'Poster 50x70', 'Limited vinyl'][(i + j) % 4],
      quantity: 1 + ((i + j) % 3),
      unitPriceCents: 499 + ((seed + i * 13 + j * 17) % 40) * 100,
    })),
  }));
}

function withoutOtelEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
