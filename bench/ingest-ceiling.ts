// The storage ceiling: the same span records written straight into the embedded store, no
// HTTP and no decoding. Runs in its own process (chDB binds one data directory per process)
// and prints one JSON line for bench/ingest.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkload } from '@tracehouse/loadgen';
import type { SpanRecord } from '@tracehouse/otlp';
import { Store } from '@tracehouse/store';
import { cpuSplit, sampleCpu } from './proc-cpu';

const seconds = Number(process.argv[2] ?? 30);
const dir = mkdtempSync(join(tmpdir(), 'tracehouse-ceiling-'));
const options = {
  dataDir: dir,
  retention: { spansRecent: 3600, spans: 86400, logs: 86400, metrics: 86400 },
  writer: {
    batchRows: Number(process.env.CEILING_BATCH_ROWS ?? 5000),
    flushIntervalMs: 200,
    maxQueuedBytes: 256 * 1024 ** 2,
    maxInsertRows: 100_000,
  },
};
const store = await Store.open(options);
// Design experiments: statements applied before the run (e.g. a table's codecs or merge settings).
for (const statement of (process.env.CEILING_SQL ?? '').split(';').filter((x) => x.trim())) {
  await store.sql.command(statement);
}

// A pool of realistic records, generated before the clock starts and written repeatedly.
const workload = createWorkload({ seed: 7 });
const pool: SpanRecord[] = [];
while (pool.length < 100_000) pool.push(...workload.nextTrace(BigInt(Date.now()) * 1_000_000n).spans);
const batches: SpanRecord[][] = [];
for (let i = 0; i + 500 <= pool.length; i += 500) batches.push(pool.slice(i, i + 500));

let written = 0;
let next = 0;
const cpuBefore = process.cpuUsage();
const threadsBefore = sampleCpu(process.pid);
const deadline = performance.now() + seconds * 1000;
const started = performance.now();
// Each pass over the pool gets new trace ids, as live traffic has: with the same ~5,000 trace
// ids over and over, recent_traces and trace_index merged to a few thousand rows and the
// ceiling's views and merges cost less than the server's.
const withPass = (batch: SpanRecord[], pass: number): SpanRecord[] => {
  if (pass === 0) return batch;
  const prefix = pass.toString(16).padStart(8, '0');
  return batch.map((s) => ({ ...s, TraceId: prefix + s.TraceId.slice(8) }));
};
async function worker(): Promise<void> {
  while (performance.now() < deadline) {
    const i = next++;
    const batch = withPass(batches[i % batches.length]!, Math.floor(i / batches.length));
    await store.writeSpans(batch);
    written += batch.length;
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
const elapsed = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const split = cpuSplit(process.pid, threadsBefore, sampleCpu(process.pid));
await store.close();
const reopened = await Store.open(options);
const stats = (await reopened.tableStats()).find((t) => t.table === 'spans_recent')!;
await reopened.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    spansPerSecond: written / elapsed,
    cpuUsPerSpan: (cpu.user + cpu.system) / written,
    groupsUsPerSpan: Object.fromEntries(Object.entries(split.groups).map(([k, v]) => [k, +(v / written).toFixed(1)])),
    bytesPerSpan: stats.bytesOnDisk / stats.rows,
    rows: stats.rows,
  }),
);
