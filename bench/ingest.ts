// npm run bench:ingest — OTLP/HTTP protobuf at full speed against a real tracehouse process,
// compared with the storage ceiling measured in the same run. Prints one `bench ingest` line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadgen } from '@tracehouse/loadgen';
import { startTracehouse } from '../packages/server/test/process';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CEILING_SECONDS = Number(process.env.BENCH_CEILING_SECONDS ?? 30);
const TARGET_SPANS_PER_S = 100_000;
const TARGET_RATIO = 0.5;
const TARGET_RSS_BYTES = 1.5 * 1024 ** 3;
const root = join(import.meta.dirname, '..');

function ceiling(): { spansPerSecond: number; bytesPerSpan: number } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench/ingest-ceiling.ts'), String(CEILING_SECONDS)],
    {
      encoding: 'utf8',
      cwd: root,
    },
  );
  if (r.status !== 0) throw new Error(`ceiling run failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

/** Peak resident set of a process (VmHWM), in bytes. */
const peakRss = (pid: number) =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

const server = (dataDir: string) => startTracehouse(dataDir, { inheritStderr: true });

async function gauge(api: string, name: string, table: string): Promise<number> {
  const text = await (await fetch(`${api}/metrics`)).text();
  const m = new RegExp(`^${name}\\{table="${table}"\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-bench-'));
try {
  const storage = ceiling();
  const th = await server(dataDir);
  const summary = await runLoadgen({
    endpoint: th.otlpHttp,
    protocol: 'http/protobuf',
    rate: 0,
    durationMs: SECONDS * 1000,
    concurrency: 16,
    batch: 500,
    signals: ['traces'],
    seed: 7,
  });
  const rss = peakRss(th.child.pid!);
  // Table stats on /metrics are cached for 10 s.
  await new Promise((r) => setTimeout(r, 11_000));
  const bytes = await gauge(th.api, 'tracehouse_store_bytes_on_disk', 'spans_recent');
  const rows = await gauge(th.api, 'tracehouse_store_rows', 'spans_recent');
  th.child.kill('SIGTERM');
  await new Promise((r) => th.child.on('exit', r));

  const spansPerS = summary.spans.acknowledged / (summary.elapsedMs / 1000);
  const ratio = spansPerS / storage.spansPerSecond;
  const ok =
    spansPerS >= TARGET_SPANS_PER_S && ratio >= TARGET_RATIO && rss <= TARGET_RSS_BYTES && summary.failures === 0;
  console.log(
    `bench ingest seconds=${SECONDS} spans_per_s=${Math.round(spansPerS)} p99_ms=${summary.latencyMs.p99.toFixed(1)} ` +
      `peak_rss_mb=${Math.round(rss / 1024 ** 2)} bytes_per_span=${(bytes / rows).toFixed(1)} ` +
      `ceiling_spans_per_s=${Math.round(storage.spansPerSecond)} ceiling_bytes_per_span=${storage.bytesPerSpan.toFixed(1)} ` +
      `ratio=${ratio.toFixed(2)} failures=${summary.failures} retries=${summary.retries} ` +
      `target_spans_per_s=${TARGET_SPANS_PER_S} target_ratio=${TARGET_RATIO} target_rss_mb=${TARGET_RSS_BYTES / 1024 ** 2} ${ok ? 'PASS' : 'MISS'}`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
