// What the storage benchmarks (bench/ingest-ceiling.ts, bench/ingest-layout.ts) write and how
// they measure it, so that their figures compare.
import { createWorkload } from '@tracehouse/loadgen';
import type { SpanRecord } from '@tracehouse/otlp';
import { cpuSplit, sampleCpu } from './proc-cpu';

/** Records in a batch of the pool. */
export const POOL_BATCH = 500;

/**
 * A pool of 100,000 realistic records, generated before the clock starts and written over and
 * over in batches. Each pass over the pool gets new trace ids, as live traffic has: with the same
 * ~5,000 trace ids over and over, recent_traces and trace_index merged to a few thousand rows and
 * the views and merges cost less than the server's.
 */
export class SpanPool {
  readonly records: SpanRecord[] = [];
  private readonly batches: number;

  constructor() {
    const workload = createWorkload({ seed: 7 });
    while (this.records.length < 100_000)
      this.records.push(...workload.nextTrace(BigInt(Date.now()) * 1_000_000n).spans);
    this.batches = Math.floor(this.records.length / POOL_BATCH);
  }

  /** Where batch `i` starts in `records`. */
  offset(i: number): number {
    return (i % this.batches) * POOL_BATCH;
  }

  /** Batch `i` (of any pass). */
  batch(i: number): SpanRecord[] {
    const at = this.offset(i);
    const records = this.records.slice(at, at + POOL_BATCH);
    const pass = Math.floor(i / this.batches);
    if (pass === 0) return records;
    const prefix = pass.toString(16).padStart(8, '0');
    return records.map((s) => ({ ...s, TraceId: prefix + s.TraceId.slice(8) }));
  }
}

/** What a storage run measured, besides the bytes on disk. */
export interface StorageRun {
  spansPerSecond: number;
  cpuUsPerSpan: number;
  groupsUsPerSpan: Record<string, number>;
}

/** Starts measuring this process's CPU (whole and by thread group); `stop` gives it per span written. */
export function startStorageRun(): { stop(written: number): StorageRun } {
  const cpuBefore = process.cpuUsage();
  const threadsBefore = sampleCpu(process.pid);
  const started = performance.now();
  return {
    stop(written) {
      const elapsed = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const split = cpuSplit(process.pid, threadsBefore, sampleCpu(process.pid));
      return {
        spansPerSecond: written / elapsed,
        cpuUsPerSpan: (cpu.user + cpu.system) / written,
        groupsUsPerSpan: Object.fromEntries(
          Object.entries(split.groups).map(([k, v]) => [k, +(v / written).toFixed(1)]),
        ),
      };
    },
  };
}
