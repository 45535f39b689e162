// bench:sdk: throughput of one HTTP service with and without @tracehouse/node (100% sampling,
// exporting OTLP/protobuf to a local sink), measured in one run with alternating rounds so drift
// on the machine hits both sides alike. Prints one stable line and fails past the target:
//   bench sdk baseline_rps=... instrumented_rps=... overhead_pct=... target_pct=5
//
// One file, three roles (each its own process, so load generation never shares a core's event loop
// with the server under test):
//   node --import tsx bench/sdk.ts                      orchestrator + OTLP sink
//   ... bench/sdk.ts --role server                       the service (instrumented via --import)
//   ... bench/sdk.ts --role load --url U --seconds S     keep-alive load, prints completed requests
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { withSpan } from '@tracehouse/node';

const { values: args } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    url: { type: 'string' },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '32' },
    items: { type: 'string', default: process.env.BENCH_SDK_ITEMS ?? '1000' },
    target: { type: 'string', default: process.env.BENCH_SDK_TARGET_PCT ?? '5' },
  },
});

const SELF = fileURLToPath(import.meta.url);

if (args.role === 'server') await runServer();
else if (args.role === 'load') await runLoad(args.url ?? '', Number(args.seconds), Number(args.concurrency));
else await runMain();

/**
 * The service under test: a catalogue endpoint doing a little real work per request (build a page
 * of items, rank them, hash the page for an ETag, answer with a small summary), with one manual
 * span around the ranking, as application code instrumented with @tracehouse/node would have.
 * `--items` scales the work; the default puts the handler at roughly half a millisecond of CPU.
 */
async function runServer(): Promise<void> {
  const items = Number(args.items);
  let served = 0;
  const server = createServer((req, res) => {
    // /metrics is on the SDK's ignored-path list, so reading the counters adds no span.
    if (req.url === '/metrics') {
      const { user, system } = process.cpuUsage();
      return void res.end(JSON.stringify({ cpuMicros: user + system, served }));
    }
    served++;
    const page = Array.from({ length: items }, (_, i) => ({
      id: i,
      sku: `sku-${i}`,
      priceCents: 100 + ((i * 7919) % 5000),
    }));
    const top = withSpan('rank catalogue page', () =>
      [...page].sort((a, b) => b.priceCents - a.priceCents || a.id - b.id).slice(0, 10),
    );
    const etag = createHash('sha256').update(JSON.stringify(page)).digest('base64url');
    res.writeHead(200, { 'content-type': 'application/json', etag }).end(JSON.stringify({ path: req.url, top }));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  console.log(`ready ${(server.address() as AddressInfo).port}`);
}

/** Closed-loop load: `concurrency` keep-alive connections, each sending its next request on completion. */
async function runLoad(url: string, seconds: number, concurrency: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const deadline = performance.now() + seconds * 1000;
  let completed = 0;
  let failed = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const req = request(`${url}/catalogue?page=1`, { agent }, (res: IncomingMessage) => {
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

async function runMain(): Promise<void> {
  const target = Number(args.target);
  const sink = await startSink();
  const baseline = await startServer({});
  const instrumented = await startServer(
    {
      OTEL_SERVICE_NAME: 'bench-sdk',
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_SAMPLER: 'always_on',
      // Lets an investigation switch parts off (e.g. '{"OTEL_METRICS_EXPORTER":"none"}') without editing.
      ...JSON.parse(process.env.BENCH_SDK_ENV ?? '{}'),
    },
    ['--import', '@tracehouse/node/register'],
  );

  try {
    const seconds = Number(args.seconds);
    // Warm-up: JIT, connection pools, the exporter's first batches. Not counted.
    await load(baseline.url, 2);
    await load(instrumented.url, 2);
    const results = { baseline: [] as RoundResult[], instrumented: [] as RoundResult[] };
    for (let round = 0; round < Number(args.rounds); round++) {
      // Alternate which side goes first, so a trend over time does not favour one side.
      const order = round % 2 === 0 ? (['baseline', 'instrumented'] as const) : (['instrumented', 'baseline'] as const);
      for (const side of order) {
        const result = await load(side === 'baseline' ? baseline.url : instrumented.url, seconds);
        results[side].push(result);
        console.error(
          `round ${round + 1} ${side.padEnd(12)} ${result.rps.toFixed(0).padStart(6)} req/s ` +
            `${result.cpuMicrosPerRequest.toFixed(1).padStart(7)} µs CPU/req`,
        );
      }
    }
    const baselineRps = median(results.baseline.map((result) => result.rps));
    const instrumentedRps = median(results.instrumented.map((result) => result.rps));
    const overhead = ((baselineRps - instrumentedRps) / baselineRps) * 100;
    const baselineCpu = median(results.baseline.map((result) => result.cpuMicrosPerRequest));
    const instrumentedCpu = median(results.instrumented.map((result) => result.cpuMicrosPerRequest));
    console.error(
      `server CPU per request: baseline ${baselineCpu.toFixed(1)} µs, instrumented ${instrumentedCpu.toFixed(1)} µs ` +
        `(+${(instrumentedCpu - baselineCpu).toFixed(1)} µs, +${(((instrumentedCpu - baselineCpu) / baselineCpu) * 100).toFixed(1)}%); ` +
        `sink received ${sink.requests} export requests (${(sink.tracesBytes / 1e6).toFixed(1)} MB of spans)`,
    );
    console.log(
      `bench sdk baseline_rps=${baselineRps.toFixed(0)} instrumented_rps=${instrumentedRps.toFixed(0)} ` +
        `overhead_pct=${overhead.toFixed(1)} target_pct=${target}`,
    );
    process.exitCode = overhead > target ? 1 : 0;
    if (sink.tracesBytes === 0) {
      console.error('the instrumented server exported no spans: the measurement is void');
      process.exitCode = 2;
    }
  } finally {
    await stopServer(baseline.child);
    await stopServer(instrumented.child);
    sink.close();
  }
}

interface RoundResult {
  rps: number;
  /** Server CPU time per request, user + system: unlike req/s, barely moved by other load on the machine. */
  cpuMicrosPerRequest: number;
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
  return { rps, cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / (after.served - before.served) };
}

async function serverStats(url: string): Promise<{ cpuMicros: number; served: number }> {
  return (await fetch(`${url}/metrics`)).json() as Promise<{ cpuMicros: number; served: number }>;
}

async function startServer(
  env: Record<string, string>,
  flags: string[] = [],
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ...flags, SELF, '--role', 'server', '--items', args.items],
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

function withoutOtelEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
