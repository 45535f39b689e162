import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadgen } from '@tracehouse/loadgen';
import { Store } from '@tracehouse/store';
import { startTracehouse } from '../packages/server/test/process';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const RATE = Number(process.env.BENCH_RATE ?? 5000);
const WAITS = ['10s', '300s'];

/** Peak (VmHWM) or current (VmRSS) resident set of a process, in bytes. */
const rssOf = (pid: number, field: 'VmHWM' | 'VmRSS') =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const peakRss = (pid: number) => rssOf(pid, 'VmHWM');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Extra config for a variant, e.g. BENCH_SETS='processor.interval=3s'. */
const SETS = (process.env.BENCH_SETS ?? '').split(/\s+/).filter(Boolean);

const server = (dataDir: string, decisionWait: string) =>
  startTracehouse(dataDir, { sets: [`sampling.decisionWait=${decisionWait}`, ...SETS], inheritStderr: true });

interface Run {
  spansPerS: number;
  lagP50Ms: number;
  lagP99Ms: number;
  peakRssMb: number;
  /** The median resident set over the second half of the load: the steady state, without one merge's peak. */
  steadyRssMb: number;
  keptShare: number;
  decided: number;
  traces: number;
  failures: number;
}

async function run(decisionWait: string): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-bench-sampling-'));
  try {
    const th = await server(dataDir, decisionWait);
    const samples: { at: number; rss: number }[] = [];
    const started = performance.now();
    const sampler = setInterval(
      () => samples.push({ at: performance.now(), rss: rssOf(th.child.pid!, 'VmRSS') }),
      1000,
    );
    const summary = await runLoadgen({
      endpoint: th.otlpHttp,
      protocol: 'http/protobuf',
      rate: RATE,
      durationMs: SECONDS * 1000,
      concurrency: 8,
      batch: 500,
      signals: ['traces'],
      seed: 7,
    });
    clearInterval(sampler);
    const half = started + (SECONDS * 1000) / 2;
    const steady = median(samples.filter((x) => x.at >= half).map((x) => x.rss));
    // rootGrace (2 s) and a few ticks for the last traces.
    await new Promise((r) => setTimeout(r, 6000));
    const rss = peakRss(th.child.pid!);
    th.child.kill('SIGTERM');
    await new Promise((r) => th.child.on('exit', r));

    // The decisions, read from the store the process left behind (one chDB per process).
    const store = await Store.open({
      dataDir,
      retention: { spansRecent: 3600, spans: 14 * 86400, logs: 30 * 86400, metrics: 30 * 86400 },
      writer: { batchRows: 5000, flushIntervalMs: 200, maxQueuedBytes: 64 * 1024 ** 2, maxInsertRows: 100_000 },
    });
    try {
      const [d] = await store.sql.query<{ n: string; kept: string; p50: number; p99: number; traces: string }>(
        `SELECT count() AS n, countIf(Decision = 'keep') AS kept,
  quantileExact(0.5)(toUnixTimestamp64Milli(DecidedAt) - toUnixTimestamp64Milli(LastIngest)) AS p50,
  quantileExact(0.99)(toUnixTimestamp64Milli(DecidedAt) - toUnixTimestamp64Milli(LastIngest)) AS p99,
  (SELECT uniqExact(TraceId) FROM trace_index) AS traces
FROM sampling_decisions`,
      );
      return {
        spansPerS: summary.spans.acknowledged / (summary.elapsedMs / 1000),
        lagP50Ms: Number(d!.p50),
        lagP99Ms: Number(d!.p99),
        peakRssMb: rss / 1024 ** 2,
        steadyRssMb: steady / 1024 ** 2,
        keptShare: Number(d!.kept) / Number(d!.n),
        decided: Number(d!.n),
        traces: Number(d!.traces),
        failures: summary.failures,
      };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results: Record<string, Run> = {};
for (const w of WAITS) results[w] = await run(w);
const [short, long] = WAITS.map((w) => results[w]!);
// Memory must not grow with the decision window (spans wait in the store, not in memory). The
// steady state is compared: the peak moved ~200 MB between runs of one window (a merge's spike),
// which flipped the ratio either way (0.87 and 1.30 a minute apart, session 10).
const rssRatio = long!.steadyRssMb / short!.steadyRssMb;
// One-sided: a longer window holding less (0.84 in one run: merges and the allocator move the
// resident set by ~100 MB) is no regression.
const ok = rssRatio <= 1.1 && short!.failures === 0 && long!.failures === 0;
const fields = (w: string, r: Run) => {
  const s = w.replace('s', '');
  return (
    `spans_per_s_w${s}=${Math.round(r.spansPerS)} lag_p50_ms_w${s}=${r.lagP50Ms} lag_p99_ms_w${s}=${r.lagP99Ms} ` +
    `peak_rss_mb_w${s}=${Math.round(r.peakRssMb)} steady_rss_mb_w${s}=${Math.round(r.steadyRssMb)} kept_share_w${s}=${(r.keptShare * 100).toFixed(2)}% ` +
    `decided_w${s}=${r.decided}/${r.traces}`
  );
};
console.log(
  `bench sampling seconds=${SECONDS} target_spans_per_s=${RATE} ${fields(WAITS[0]!, short!)} ${fields(WAITS[1]!, long!)} ` +
    `rss_ratio=${rssRatio.toFixed(3)} target_rss_ratio=1.1 sets=${SETS.join(',') || 'default'} ${ok ? 'PASS' : 'MISS'}`,
);
