/**
 * How fast the load generator is on one core, so that benchmarks know it is not their
 * bottleneck. Prints one `bench.loadgen:` line per case.
 *
 *   node --import tsx packages/loadgen/bench/throughput.ts [seconds per case, default 3]
 *
 * Cases: generating records, encoding them with @tracehouse/otlp (what a send would cost
 * without templates), stamping templates (what a send costs), and full runs at rate 0
 * against a trivial sink in another process (bench/sink.ts).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { encodeTracesData, type SpanRecord } from '@tracehouse/otlp';
import { type LoadgenOptions, runLoadgen } from '../src/index';
import { Stamper } from '../src/run/stamper';
import { TemplatePool } from '../src/template/pool';
import { stampJson, stampProtobuf } from '../src/template/stamp';
import { createWorkload } from '../src/workload/workload';

const seconds = Number(process.argv[2] ?? 3);
const T0 = 1_750_000_000_000_000_000n;

function report(name: string, spans: number, ms: number, extra = ''): void {
  console.log(`bench.loadgen: case=${name} spans_per_s=${Math.round((spans * 1000) / ms)}${extra}`);
}

function timed(fn: () => number): [number, number] {
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < seconds * 1000) n += fn();
  return [n, performance.now() - started];
}

function generate(): void {
  const w = createWorkload({ seed: 1 });
  const [n, ms] = timed(() => w.nextTrace(T0).spans.length);
  report('generate', n, ms);
}

function encode(): void {
  const w = createWorkload({ seed: 2 });
  const spans: SpanRecord[] = [];
  while (spans.length < 50_000) spans.push(...w.nextTrace(T0).spans);
  let at = 0;
  const [n, ms] = timed(() => {
    const batch = spans.slice(at, at + 500);
    at = at + 500 >= spans.length ? 0 : at + 500;
    encodeTracesData(batch);
    return batch.length;
  });
  report('encode-protobuf', n, ms);
}

function stamp(format: 'protobuf' | 'json'): void {
  const pool = new TemplatePool(createWorkload({ seed: 3 }), {
    format,
    batch: 500,
    splitTraces: 1,
    logs: true,
    maxSpans: 50_000,
    baseNs: T0,
  });
  const prepared = performance.now();
  pool.prepare();
  const prepareMs = performance.now() - prepared;
  const stamper = new Stamper(3);
  let bytes = 0;
  const [n, ms] = timed(() => {
    const unit = pool.next();
    const s = stamper.stamp(unit, 1_000_000);
    for (const body of unit.bodies) {
      bytes += (format === 'protobuf' ? stampProtobuf : stampJson)(body.bytes, body.layout, s).length;
    }
    return unit.spans;
  });
  report(
    `stamp-${format}`,
    n,
    ms,
    ` mb_per_s=${Math.round(bytes / ms / 1000)} prepare_ms_per_50k_spans=${Math.round(prepareMs)}`,
  );
}

async function startSink(): Promise<{ http: string; grpc: string; stop(): void }> {
  const sink = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./sink.ts', import.meta.url)), '0', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  sink.stdout.setEncoding('utf8');
  while (!/sink: http=\d+ grpc=\d+/.test(out)) {
    const [chunk] = (await once(sink.stdout, 'data')) as [string];
    out += chunk;
  }
  const [, http, grpc] = /sink: http=(\d+) grpc=(\d+)/.exec(out) ?? [];
  return { http: `http://127.0.0.1:${http}`, grpc: `127.0.0.1:${grpc}`, stop: () => sink.kill('SIGTERM') };
}

async function endToEnd(): Promise<void> {
  const sink = await startSink();
  try {
    const cases: [string, LoadgenOptions][] = [
      ['send-http-protobuf', { protocol: 'http/protobuf' }],
      ['send-http-protobuf-traces-only', { protocol: 'http/protobuf', signals: ['traces'] }],
      ['send-http-protobuf-gzip', { protocol: 'http/protobuf', gzip: true }],
      ['send-http-json', { protocol: 'http/json' }],
      ['send-grpc', { protocol: 'grpc' }],
    ];
    for (const [name, o] of cases) {
      const cpu = process.cpuUsage();
      const summary = await runLoadgen({
        ...o,
        endpoint: o.protocol === 'grpc' ? sink.grpc : sink.http,
        rate: 0,
        durationMs: seconds * 1000,
        seed: 4,
      });
      // CPU of this process (the main thread, plus zlib's pool threads with gzip) over the
      // run: spans per CPU-second is what one core can push when the sink keeps up.
      const used = process.cpuUsage(cpu);
      const cpuMs = (used.user + used.system) / 1000;
      const busy = cpuMs / summary.elapsedMs;
      report(
        name,
        summary.spans.acknowledged,
        summary.elapsedMs,
        ` spans_per_cpu_s=${Math.round((summary.spans.acknowledged * 1000) / cpuMs)} cpu=${busy.toFixed(2)} logs_per_s=${Math.round((summary.logs.acknowledged * 1000) / summary.elapsedMs)} requests=${summary.requests} p99_ms=${summary.latencyMs.p99.toFixed(1)} failures=${summary.failures}`,
      );
    }
  } finally {
    sink.stop();
  }
}

generate();
encode();
stamp('protobuf');
stamp('json');
await endToEnd();
