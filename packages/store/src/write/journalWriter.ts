import type { Sql } from '../client';
import type { Column } from '../schema/columns';
import { tenantKey } from '../tenant';
import {
  type InsertObservation,
  QueueFullError,
  StoreWriteError,
  type TableWriter,
  type WriteReceipt,
} from './batchWriter';
import { Journal, type JournalSegment } from './journal';
import { ByteSink, type RowBinaryTable, rowBinaryTable } from './rowBinary';

export interface JournalWriterOptions {
  /** Where the journal's directories are (`<dataDir>/journal`). */
  dir: string;
  /** How long rows wait in the journal before their insert... */
  intervalMs: number;
  /** ...or until this many wait (or SEGMENT_MAX_BYTES). */
  maxInsertRows: number;
  /** Upper bound of bytes written and not yet inserted; past it writes are refused (backpressure). */
  maxQueuedBytes: number;
  /** First wait before an insert that failed is tried again; it doubles up to 30 s. */
  retryMs?: number;
  now?: () => number;
}

const MAX_RETRY_MS = 30_000;

/**
 * A segment is closed at this size whatever its age: ClickHouse holds an insert's rows in
 * memory, uncompressed (~170 MB of resident set for 60,000 spans), so this bounds one insert's
 * memory (~45,000 spans of the bench's workload; docs/performance.md, session 18).
 */
export const SEGMENT_MAX_BYTES = 32 * 1024 ** 2;

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A closed segment, and the writes that wait for it to be visible. */
interface Sealed extends JournalSegment {
  inserted: Deferred;
}

/**
 * One table's writer through its journal: a write is durable (acknowledged) once its
 * RowBinary bytes are appended to the journal, and visible once the segment that holds it is
 * inserted. A segment goes to the store when it is `intervalMs` old or holds `maxInsertRows`,
 * when a read asks for everything written so far (visible()), and at close; one insert at a
 * time, oldest first. So a busy table gets one large insert a second instead of one per
 * group of requests in flight, and a sender's answer does not wait for ClickHouse.
 *
 * A failed insert is tried again, with a growing wait, until it succeeds: its rows were
 * acknowledged. Meanwhile writes go on into the journal until maxQueuedBytes is reached
 * (then QueueFullError: the sender backs off). At close, what cannot be inserted stays in the
 * journal for the next start.
 */
export class JournalWriter implements TableWriter {
  private readonly journal: Journal;
  private readonly rows: RowBinaryTable;
  private readonly sink = new ByteSink();
  private readonly now: () => number;
  /** Segments closed and not yet inserted, oldest first; the first is being inserted. */
  private readonly sealed: Sealed[] = [];
  /** The writes of the open segment wait on this. */
  private current = deferred();
  private sealedBytes = 0;
  private inserting = false;
  private timer: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private failures = 0;
  /** Reads waiting for visibility; an insert that fails releases them too (they read what there is). */
  private readonly waiters = new Set<() => void>();
  private closed = false;
  private sealScheduled = false;

  constructor(
    private readonly sql: Sql,
    readonly table: string,
    columns: readonly Column[],
    private readonly opts: JournalWriterOptions,
    private readonly observe: (o: InsertObservation) => void = () => {},
  ) {
    this.rows = rowBinaryTable(columns);
    this.now = opts.now ?? Date.now;
    this.journal = Journal.open(
      opts.dir,
      { table, columns: this.rows.columns, structure: this.rows.structure },
      this.now,
    );
  }

  get queueBytes(): number {
    return this.sealedBytes + this.journal.bytes;
  }

  get isFull(): boolean {
    return this.queueBytes >= this.opts.maxQueuedBytes;
  }

  /**
   * With `ack: 'visible'` (a caller that reads what it wrote) the open segment goes at the end
   * of this turn of the event loop, with the rows of the other writes made in it.
   */
  write(records: readonly object[], tenant: string, ack: 'durable' | 'visible' = 'durable'): WriteReceipt {
    if (records.length === 0) return { durable: Promise.resolve(), visible: Promise.resolve() };
    const refused = (e: Error) => {
      const p = Promise.reject(e);
      p.catch(() => {});
      return { durable: p, visible: p };
    };
    if (this.closed) return refused(new StoreWriteError('the store is shutting down'));
    if (this.isFull) return refused(new QueueFullError(`write queue for ${this.table} is full`));
    try {
      this.rows.write(this.sink, records, tenantKey(tenant));
      this.journal.append(this.sink.buf, this.sink.pos, records.length);
    } catch (err) {
      return refused(new StoreWriteError(`journal of ${this.table}: ${(err as Error).message}`));
    } finally {
      this.sink.reset();
    }
    const visible = this.current.promise;
    if (this.full()) this.sealAndInsert();
    else if (ack === 'visible') this.sealSoon();
    else if (!this.timer) this.timer = setTimeout(() => this.due(), this.opts.intervalMs);
    return { durable: Promise.resolve(), visible };
  }

  visible(): Promise<void> {
    this.sealAndInsert();
    return this.insertedOrFailed();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sealAndInsert();
    while (this.sealed.length > 0) {
      const failuresBefore = this.failures;
      await this.insertedOrFailed();
      // A segment that cannot be inserted now stays in the journal for the next start.
      if (this.failures > failuresBefore) break;
    }
    if (this.timer) clearTimeout(this.timer);
    if (this.retry) clearTimeout(this.retry);
    this.timer = this.retry = null;
  }

  /** Resolves when the newest closed segment is inserted, or at the next failed insert. */
  private insertedOrFailed(): Promise<void> {
    const last = this.sealed.at(-1);
    if (!last) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      last.inserted.promise.then(done);
    });
  }

  private sealSoon(): void {
    if (this.sealScheduled) return;
    this.sealScheduled = true;
    setImmediate(() => {
      this.sealScheduled = false;
      this.sealAndInsert();
    });
  }

  private full(): boolean {
    return this.journal.rows >= this.opts.maxInsertRows || this.journal.bytes >= SEGMENT_MAX_BYTES;
  }

  /** The open segment is old enough: insert it now, or right after the insert under way. */
  private due(): void {
    this.timer = null;
    if (!this.inserting) this.sealAndInsert();
  }

  private sealAndInsert(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const segment = this.journal.seal();
    if (segment) {
      this.sealed.push({ ...segment, inserted: this.current });
      this.sealedBytes += segment.bytes;
      this.current = deferred();
    }
    if (!this.inserting && this.sealed.length > 0) void this.insertNext();
  }

  private async insertNext(): Promise<void> {
    this.inserting = true;
    const segment = this.sealed[0]!;
    const started = performance.now();
    let ok = false;
    try {
      await this.sql.insertRowBinaryFile(this.table, this.rows.columns, this.rows.structure, segment.path);
      ok = true;
    } catch {
      // Observed below; the rows stay in the journal and the insert is tried again.
    }
    this.observe({
      table: this.table,
      rows: segment.rows,
      bytes: segment.bytes,
      seconds: (performance.now() - started) / 1000,
      ok,
    });
    this.inserting = false;
    if (ok) {
      this.failures = 0;
      this.sealed.shift();
      this.sealedBytes -= segment.bytes;
      try {
        this.journal.remove(segment);
      } catch {
        // Already gone; nothing to undo.
      }
      segment.inserted.resolve();
      this.afterInsert();
      return;
    }
    this.failures++;
    for (const release of [...this.waiters]) release();
    if (this.closed) return;
    const wait = Math.min(MAX_RETRY_MS, (this.opts.retryMs ?? 100) * 2 ** (this.failures - 1));
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.closed && !this.inserting && this.sealed.length > 0) void this.insertNext();
    }, wait);
  }

  /** Next: the segments already closed, then the open one if it is due. */
  private afterInsert(): void {
    if (this.sealed.length > 0) {
      void this.insertNext();
      return;
    }
    const j = this.journal;
    if (j.rows === 0) return;
    const age = this.now() - j.startedAt;
    if (this.closed || this.full() || age >= this.opts.intervalMs) this.sealAndInsert();
    else if (!this.timer) this.timer = setTimeout(() => this.due(), this.opts.intervalMs - age);
  }
}
