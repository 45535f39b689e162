import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'tracehouse-spool-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Files that carry one insert's RowBinary bytes from JS to embedded ClickHouse, which reads
 * them with `file()` (chDB's raw insert takes text formats only). They live in memory
 * (/dev/shm) where there is one: a spool file is transport, not storage; the insert that
 * reads it is what makes rows durable. Each file is removed once its insert has ended;
 * a process killed mid-insert leaves its directory behind, and the next start removes it.
 */
export class Spool {
  private next = 0;

  private constructor(readonly dir: string) {}

  static create(base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir()): Spool {
    for (const name of safeList(base)) {
      const pid = Number(name.slice(PREFIX.length).split('-')[0]);
      if (name.startsWith(PREFIX) && Number.isInteger(pid) && pid !== process.pid && !alive(pid)) {
        rmSync(join(base, name), { recursive: true, force: true });
      }
    }
    // One directory per connection: a process may open more than one store.
    const dir = join(base, `${PREFIX}${process.pid}-${randomUUID()}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return new Spool(dir);
  }

  /** Writes `chunks` to a new file, runs `use` with its path, then removes the file. */
  async with<T>(chunks: readonly Uint8Array[], use: (path: string) => Promise<T>): Promise<T> {
    const path = join(this.dir, `${this.next++}.bin`);
    const fd = await open(path, 'wx', 0o600);
    try {
      try {
        await writeAll(fd, chunks);
      } finally {
        await fd.close();
      }
      return await use(path);
    } finally {
      await unlink(path).catch(() => {});
    }
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** writev may write less than asked (a signal, IOV_MAX buffers): carry on from where it stopped. */
async function writeAll(fd: FileHandle, chunks: readonly Uint8Array[]): Promise<void> {
  let rest = chunks as Uint8Array[];
  while (rest.length > 0) {
    let { bytesWritten } = await fd.writev(rest.slice(0, 512));
    let i = 0;
    while (i < rest.length && bytesWritten >= rest[i]!.length) bytesWritten -= rest[i++]!.length;
    rest = i < rest.length ? [rest[i]!.subarray(bytesWritten), ...rest.slice(i + 1)] : [];
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
