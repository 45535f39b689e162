// CPU time of a process and of its threads, read from /proc (Linux), for the ingest benchmark.
// CPU time, not wall time, is the figure that survives a machine shared with other work.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on every Linux we run on). */
const TICK_US = 10_000;

/**
 * Thread groups of a tracehouse process: the JS main thread; Node's other threads (V8's GC
 * helpers and the libuv pool, on which chDB runs each statement: they share the name `node`);
 * ClickHouse's query thread pool (insert parsing, materialised views, queries); merges; the rest.
 */
export type ThreadGroup = 'js' | 'workers' | 'insert' | 'merges' | 'other';

/** utime + stime of one /proc stat line, in microseconds (comm may contain spaces and parentheses). */
function cpuOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

/** Whole-process CPU (every thread, including the ones that ended), microseconds. */
export const processCpuUs = (pid: number): number => cpuOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));

/**
 * Which group a thread's CPU belongs to, by its name (ClickHouse names its pools): inserts run
 * in the query thread pools, merges in the MergeMutate pool.
 */
export function threadGroup(pid: number, tid: number, comm: string): ThreadGroup {
  if (tid === pid) return 'js';
  if (comm === 'node' || comm.startsWith('libuv')) return 'workers';
  if (/Merge|Mutat/i.test(comm)) return 'merges';
  if (/ThreadPool|Query|Pipe|Parallel/i.test(comm)) return 'insert';
  return 'other';
}

/** CPU per thread (tid -> { comm, us }) of a live process. Threads that ended are not listed. */
export function threadCpu(pid: number): Map<number, { comm: string; us: number }> {
  const out = new Map<number, { comm: string; us: number }>();
  for (const name of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      out.set(Number(name), { comm, us: cpuOf(stat) });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

export interface CpuSplit {
  totalUs: number;
  groups: Record<ThreadGroup, number>;
  /** CPU per thread name over the interval, largest first (for finding the next bottleneck). */
  byName: [string, number][];
}

/**
 * CPU of `pid` between two samples, split by thread group. CPU of threads that ended during the
 * interval is only in the process total, so it is counted as `other`.
 */
export function cpuSplit(
  pid: number,
  before: { total: number; threads: Map<number, { comm: string; us: number }> },
  after: { total: number; threads: Map<number, { comm: string; us: number }> },
): CpuSplit {
  const groups: Record<ThreadGroup, number> = { js: 0, workers: 0, insert: 0, merges: 0, other: 0 };
  const names = new Map<string, number>();
  let attributed = 0;
  for (const [tid, t] of after.threads) {
    const d = t.us - (before.threads.get(tid)?.us ?? 0);
    if (d <= 0) continue;
    groups[threadGroup(pid, tid, t.comm)] += d;
    names.set(t.comm, (names.get(t.comm) ?? 0) + d);
    attributed += d;
  }
  const totalUs = after.total - before.total;
  groups.other += Math.max(0, totalUs - attributed);
  return { totalUs, groups, byName: [...names].sort((a, b) => b[1] - a[1]) };
}

export const sampleCpu = (pid: number) => ({ total: processCpuUs(pid), threads: threadCpu(pid) });
