// The storage ceiling: the same span records written straight into the embedded store, no
// HTTP and no decoding. Runs in its own process (chDB binds one data directory per process)
// and prints one JSON line for bench/ingest.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueFullError, Store } from '@tracehouse/store';
import { SpanPool, startStorageRun } from './span-pool';

const seconds = Number(process.argv[2] ?? 30);
const dir = mkdtempSync(join(tmpdir(), 'tracehouse-ceiling-'));
const options = {
  dataDir: dir,
  retention: { spansRecent: 3600, spans: 86400, logs: 86400, metrics: 86400 },
  // CEILING_JOURNAL=0: the journal-less write path (BatchWriter), for comparison.
  ...(process.env.CEILING_JOURNAL === '0' ? { journal: false as const } : {}),
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

const pool = new SpanPool();

let written = 0;
let next = 0;
const run = startStorageRun();
const deadline = performance.now() + seconds * 1000;
async function worker(): Promise<void> {
  while (performance.now() < deadline) {
    const batch = pool.batch(next++);
    // Acknowledged as the server acknowledges: once durable (in the journal); a full queue
    // is backpressure, as a 429 is for a sender.
    for (;;) {
      try {
        await store.writeSpans(batch, undefined, 'durable');
        break;
      } catch (err) {
        if (!(err instanceof QueueFullError)) throw err;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    written += batch.length;
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
// Every written row inserted before the CPU is read.
await store.visible('traces');
const measured = run.stop(written);
await store.close();
const reopened = await Store.open(options);
const stats = (await reopened.tableStats()).find((t) => t.table === 'spans_recent')!;
await reopened.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    ...measured,
    bytesPerSpan: stats.bytesOnDisk / stats.rows,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rows: stats.rows,
  }),
);
