// npm run bench:ingest-processors — what the background processors' statements (tail sampling,
// span metrics, service graph, contract monitor) cost per ingested span, one statement at a time.
// A real server runs in this process with its processor loop off its timer; realistic spans go
// straight into its store at BENCH_RATE spans/s (8 writers x 500), and between the inserts the
// loop runs as the server's timer would (processor.interval after the previous run ended). No
// insert overlaps a statement, so the process CPU a statement takes (all threads but merges) is
// its own. It prints one `bench ingest-processors` line per statement, by calling function.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkload } from '@tracehouse/loadgen';
import { loadConfig, startServer } from '@tracehouse/server';
import { type Sql, Store } from '@tracehouse/store';
import { storeOptions } from '../packages/server/src/config/storeOptions';
import { threadCpu } from './proc-cpu';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const RATE = Number(process.env.BENCH_RATE ?? 16_000);
const WRITERS = 8;
const BATCH = 500;
// `--set` pairs for the server, e.g. BENCH_SETS="sampling.decisionWait=10s".
const SETS = (process.env.BENCH_SETS ?? '').split(/\s+/).filter(Boolean);

// Decided traces of the past (trace_index and sampling_decisions keep them for retention.spans,
// 14 days by default): BENCH_HISTORY_TRACES=10000000 is about two hours at this workload's rate.
const HISTORY_TRACES = Number(process.env.BENCH_HISTORY_TRACES ?? 0);
// Decided traces of the last hour (the processors' recent window, recent_traces and
// recent_decisions, which feed the long tables): BENCH_RECENT_TRACES=5000000 is about an hour.
// Their spans are not written: the reads of spans_recent meet only the bench's own.
const RECENT_TRACES = Number(process.env.BENCH_RECENT_TRACES ?? 0);

/**
 * Writes `n` decided traces into the trace index and the decisions, generated inside
 * ClickHouse, so the processors' reads meet a store that has run for a while instead of an
 * empty one: of the last 14 days (older than an hour) into trace_index and sampling_decisions,
 * or of the last hour (older than a minute) into recent_traces and recent_decisions.
 */
async function history(store: Store, n: number, recent: boolean): Promise<void> {
  const { sql } = store;
  const seed = recent ? 10 : 0;
  const traceId = `lower(hex(reinterpretAsFixedString(cityHash64(number, ${seed + 1})))) || lower(hex(reinterpretAsFixedString(cityHash64(number, ${seed + 2}))))`;
  const ingest = recent
    ? 'now64(3) - toIntervalMillisecond(60000 + cityHash64(number, 3) % 3540000)'
    : 'now64(3) - toIntervalMillisecond(3600000 + cityHash64(number, 3) % 1206000000)';
  const [traces, decisions] = recent ? ['recent_traces', 'recent_decisions'] : ['trace_index', 'sampling_decisions'];
  for (let from = 0; from < n; from += 1_000_000) {
    const rows = `FROM numbers(${from}, ${Math.min(1_000_000, n - from)})`;
    await sql.command(`INSERT INTO ${traces} (TraceId, Start, End, IngestStart, IngestEnd, SpanCount)
SELECT ${traceId}, ${ingest}, ${ingest}, ${ingest}, ${ingest}, 12 ${rows}`);
    await sql.command(`INSERT INTO ${decisions} (TraceId, Decision, Rule, Reason, DecidedAt, AdjustedCount, SpanCount, TraceStart, TraceEnd, LastIngest, Threshold)
SELECT ${traceId}, if(number % 20 = 0, 'keep', 'drop'), 'baseline', '', ${ingest} + toIntervalSecond(3), 20, 12, ${ingest}, ${ingest}, ${ingest}, 'f3333333333333' ${rows}`);
  }
  for (const table of [traces, decisions]) await sql.command(`OPTIMIZE TABLE ${table} FINAL`);
  // The processors went through that history already: they start at now, as after a restart.
  const nowMs = await store.state.nowMs();
  const ns = (ms: number) => BigInt(ms) * 1_000_000n;
  const names = ['sampling.root', 'sampling.wait', 'sampling.copy', 'sampling.late'];
  await store.state.writeWatermarks(Object.fromEntries(names.map((name) => [name, ns(nowMs)])), names);
  const intervalMs = config['derived.interval'];
  for (const name of ['span_metrics', 'service_graph'])
    await store.state.writeWatermarkMs(name, Math.floor(nowMs / intervalMs) * intervalMs);
}

/** CPU of the merge threads (tick-granular /proc: unbiased over many statements). */
const mergesUs = () => {
  let us = 0;
  for (const t of threadCpu(process.pid).values()) if (/Merge|Mutat/i.test(t.comm)) us += t.us;
  return us;
};
const cpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

interface Cost {
  calls: number;
  cpuUs: number;
  wallMs: number;
}
const costs = new Map<string, Cost>();
/** The last statement of each label, for BENCH_KEEP_DIR experiments. */
const lastStatement = new Map<string, unknown[]>();
let measuring = false;

/** The statement's caller outside the store's client: `function (file:line)`. */
function caller(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  for (const f of frames) {
    if (/client\.ts|ingest-processors\.ts|node:internal|processTicksAndRejections/.test(f)) continue;
    const m = /at (?:async )?(\S+)? ?\(?(?:.*\/)?([^/]+\.ts):(\d+)/.exec(f);
    if (m) return `${m[1] ?? '?'}@${m[2]}:${m[3]}`;
  }
  return 'unknown';
}

/** Wraps each statement method of the store's one Sql instance to sum its cost by caller. */
function instrument(sql: Sql): void {
  const target = sql as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of [
    'query',
    'queryCompact',
    'queryNative',
    'queryRowBinary',
    'command',
    'insertJsonEachRow',
    'insertRows',
    'insertRowBinary',
  ]) {
    const original = target[method]!.bind(sql);
    target[method] = async (...args: unknown[]) => {
      if (!measuring) return original(...args);
      const label = `${method} ${caller()}`;
      lastStatement.set(label, args);
      const c0 = cpuUs();
      const m0 = mergesUs();
      const w0 = performance.now();
      try {
        return await original(...args);
      } finally {
        const c = costs.get(label) ?? { calls: 0, cpuUs: 0, wallMs: 0 };
        c.calls++;
        c.cpuUs += cpuUs() - c0 - (mergesUs() - m0);
        c.wallMs += performance.now() - w0;
        costs.set(label, c);
      }
    };
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-bench-processors-'));
const config = loadConfig({
  sets: [
    'auth.allowAnonymous=true',
    `storage.dataDir=${dataDir}`,
    'server.port=0',
    'otlp.httpPort=0',
    'otlp.grpcPort=0',
    // The loop runs only when this bench calls it.
    'processor.interval=0',
    ...SETS,
  ],
});
const intervalMs = loadConfig({ sets: SETS })['processor.interval'];
if (HISTORY_TRACES > 0 || RECENT_TRACES > 0) {
  const store = await Store.open(storeOptions(config));
  if (HISTORY_TRACES > 0) await history(store, HISTORY_TRACES, false);
  if (RECENT_TRACES > 0) await history(store, RECENT_TRACES, true);
  await store.close();
}
const server = await startServer(config);
try {
  instrument(server.store.sql);
  const workload = createWorkload({ seed: 7 });
  const pending: ReturnType<typeof workload.nextTrace>['spans'] = [];
  const nextBatch = () => {
    while (pending.length < BATCH) pending.push(...workload.nextTrace(BigInt(Date.now()) * 1_000_000n).spans);
    return pending.splice(0, BATCH);
  };
  const load0 = loadavg()[0]!.toFixed(2);
  const started = performance.now();
  let spans = 0;
  let insertCpuUs = 0;
  let ticks = 0;
  let tickCpuUs = 0;
  while (performance.now() - started < SECONDS * 1000) {
    // The spans due by now at RATE, inserted as closed-loop writers would (in the server they
    // arrive while the loop waits for its timer), then one loop run.
    const i0 = performance.now();
    const due = Math.floor(((performance.now() - started) / 1000) * RATE) - spans;
    const c0 = cpuUs();
    let left = Math.ceil(Math.max(due, 0) / BATCH);
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (left-- > 0) {
          const batch = nextBatch();
          await server.store.writeSpans(batch);
          spans += batch.length;
        }
      }),
    );
    insertCpuUs += cpuUs() - c0;
    await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (performance.now() - i0))));
    const t0 = cpuUs();
    measuring = true;
    await server.processors.runOnce();
    measuring = false;
    tickCpuUs += cpuUs() - t0;
    ticks++;
  }
  const elapsedS = (performance.now() - started) / 1000;
  const perSpan = (us: number) => (us / spans).toFixed(2);
  const rows = [...costs].sort((a, b) => b[1].cpuUs - a[1].cpuUs);
  for (const [label, c] of rows)
    console.log(
      `bench ingest-processors statement=${label.replace(/\s+/g, '_')} calls=${c.calls} cpu_us_per_span=${perSpan(c.cpuUs)} ` +
        `cpu_ms_per_call=${(c.cpuUs / c.calls / 1000).toFixed(1)} wall_ms_per_call=${(c.wallMs / c.calls).toFixed(1)}`,
    );
  const statementsUs = rows.reduce((s, [, c]) => s + c.cpuUs, 0);
  console.log(
    `bench ingest-processors total seconds=${elapsedS.toFixed(0)} rate=${RATE} spans=${spans} ticks=${ticks} ` +
      `tick_cpu_us_per_span=${perSpan(tickCpuUs)} statements_cpu_us_per_span=${perSpan(statementsUs)} ` +
      `insert_cpu_us_per_span=${perSpan(insertCpuUs)} history_traces=${HISTORY_TRACES} recent_traces=${RECENT_TRACES} load=${load0}/${loadavg()[0]!.toFixed(2)} sets=${SETS.join(',') || 'default'}`,
  );
} finally {
  await server.close();
  // BENCH_KEEP_DIR=1 keeps the store for trying statements on it (bench/query-breakdown.ts style).
  if (process.env.BENCH_KEEP_DIR) {
    writeFileSync(join(dataDir, 'statements.json'), JSON.stringify(Object.fromEntries(lastStatement)));
    console.log(`bench ingest-processors kept ${dataDir} (last statement of each label in statements.json)`);
  } else rmSync(dataDir, { recursive: true, force: true });
}
