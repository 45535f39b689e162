import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** What a journal directory's segments hold: enough to insert them after a restart or an upgrade. */
export interface JournalMeta {
  table: string;
  /** The insert's target columns. */
  columns: string[];
  /** `name type, ...` of the RowBinary rows, for `file(..., 'RowBinary', structure)`. */
  structure: string;
}

/** A closed segment: RowBinary rows waiting for their insert. */
export interface JournalSegment {
  path: string;
  rows: number;
  bytes: number;
}

const META = 'meta.json';
const SEGMENT = /^(\d+)\.bin$/;

const segmentsOf = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => SEGMENT.test(f))
    .sort((a, b) => Number(SEGMENT.exec(a)![1]) - Number(SEGMENT.exec(b)![1]));

/**
 * The write-ahead journal of one table's writer (JournalWriter): acknowledged rows in
 * RowBinary, appended to the open segment of a directory on the store's disk, until their
 * insert has succeeded. A request can then be answered once its rows are in the journal,
 * while the table gets few large inserts (one every `ingest.journalInterval`): ClickHouse's
 * cost per row falls with the size of the insert, in parsing and most of all in merges
 * (docs/performance.md, session 18). The rows survive a killed process as an inserted part
 * does (both are in the kernel's page cache once written); the next start inserts what is
 * left (replayJournal).
 *
 * One directory per table and row layout (`<table>-<hash of meta>`), so a segment written
 * before an upgrade that changed the table's columns is still read with its own layout.
 * Appends are synchronous: one `write` of a request's bytes, which costs less than the hop
 * to the thread pool, and keeps a segment's bytes in request order without locking.
 */
export class Journal {
  private fd: number | null = null;
  private path = '';
  private next: number;
  /** Rows and bytes in the open segment, and when its first row came (ms). */
  rows = 0;
  bytes = 0;
  startedAt = 0;

  private constructor(
    readonly dir: string,
    private readonly now: () => number,
  ) {
    const existing = segmentsOf(dir);
    this.next = existing.length > 0 ? Number(SEGMENT.exec(existing.at(-1)!)![1]) + 1 : 0;
  }

  static open(root: string, meta: JournalMeta, now: () => number = Date.now): Journal {
    const json = JSON.stringify(meta);
    const hash = createHash('sha256').update(json).digest('hex').slice(0, 12);
    const dir = join(root, `${meta.table}-${hash}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!existsSync(join(dir, META))) writeFileSync(join(dir, META), json, { mode: 0o600 });
    return new Journal(dir, now);
  }

  /**
   * Appends `length` bytes of `buf` (whole rows) to the open segment, opening one if needed.
   * On a failed write (disk full) the segment is cut back to its last whole row and the
   * error is thrown: nothing of this write is kept, so it must not be acknowledged.
   */
  append(buf: Uint8Array, length: number, rows: number): void {
    if (this.fd === null) {
      this.path = join(this.dir, `${this.next++}.bin`);
      this.fd = openSync(this.path, 'wx', 0o600);
      this.startedAt = this.now();
    }
    let written = 0;
    try {
      while (written < length) written += writeSync(this.fd, buf, written, length - written);
    } catch (err) {
      ftruncateSync(this.fd, this.bytes);
      throw err;
    }
    this.rows += rows;
    this.bytes += length;
  }

  /** Closes the open segment for its insert (null when it holds no row). */
  seal(): JournalSegment | null {
    if (this.fd === null) return null;
    closeSync(this.fd);
    const segment = { path: this.path, rows: this.rows, bytes: this.bytes };
    this.fd = null;
    this.rows = 0;
    this.bytes = 0;
    return segment;
  }

  /** A segment whose insert succeeded. */
  remove(segment: JournalSegment): void {
    unlinkSync(segment.path);
  }
}

/**
 * Inserts every segment a previous process left in the journal (killed before their insert,
 * or its insert failed at shutdown), oldest first, and removes each once inserted. Runs at
 * open, before any writer starts. A segment whose insert fails stops the open with an error
 * that names it: its rows were acknowledged, so they are neither dropped nor skipped.
 *
 * A process killed between an insert and the removal of its segment inserts that segment's
 * rows twice: at-least-once, as for a sender that retries a request whose answer it lost.
 */
export async function replayJournal(
  root: string,
  insert: (meta: JournalMeta, segment: JournalSegment) => Promise<void>,
): Promise<{ segments: number; bytes: number }> {
  const done = { segments: 0, bytes: 0 };
  if (!existsSync(root)) return done;
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    if (!existsSync(join(dir, META))) continue;
    const meta = JSON.parse(readFileSync(join(dir, META), 'utf8')) as JournalMeta;
    for (const file of segmentsOf(dir)) {
      const path = join(dir, file);
      const bytes = statSync(path).size;
      if (bytes === 0) {
        unlinkSync(path);
        continue;
      }
      try {
        await insert(meta, { path, rows: 0, bytes });
      } catch (err) {
        throw new Error(
          `the journal segment ${path} (rows acknowledged for ${meta.table}) could not be inserted: ` +
            `${(err as Error).message.split('\n')[0]}. Fix the store, or move the file away to start without those rows.`,
        );
      }
      unlinkSync(path);
      done.segments++;
      done.bytes += bytes;
    }
    if (segmentsOf(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  }
  return done;
}
