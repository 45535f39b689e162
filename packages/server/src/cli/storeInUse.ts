// Whether a running process holds an embedded store. The embedded ClickHouse writes
// `<dataDir>/status` ("PID: <n>") while it has the directory open and removes it on a clean
// stop; opening the directory a second time fails with a lock error printed by the engine
// itself, so the CLI asks before it tries.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The PID of the live process that holds the store in `dataDir`, or null. */
export function storeHolder(dataDir: string, isAlive: (pid: number) => boolean = processAlive): number | null {
  let status: string;
  try {
    status = readFileSync(join(dataDir, 'status'), 'utf8');
  } catch {
    return null;
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(status)?.[1]);
  // A status file left by a crash names a process that is gone.
  return pid > 0 && pid !== process.pid && isAlive(pid) ? pid : null;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but another user's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
