import type { Sql } from '../client';
import type { Column } from '../schema/columns';
import { tenantKey } from '../tenant';
import { FlushPacing } from './flushPacing';
import { ByteSink, type RowBinaryTable, rowBinaryTable } from './rowBinary';

export interface BatchWriterOptions {
  /** Insert as soon as this many rows are waiting. */
  batchRows: number;
  /** Or when the oldest waiting row has waited this long. */
  flushIntervalMs: number;
  /** Upper bound of bytes waiting (serialised); past it writes are refused (backpressure). */
  maxQueuedBytes: number;
  /** Largest single insert; a bigger backlog goes out in several inserts back to back. */
  maxInsertRows: number;
}

export interface InsertObservation {
  table: string;
  rows: number;
  bytes: number;
  seconds: number;
  ok: boolean;
}

/** Refused because the write queue is full: the caller answers 429 / RESOURCE_EXHAUSTED. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
}

/** The insert that carried this write failed: nothing of it was acknowledged (503). */
export class StoreWriteError extends Error {
  override readonly name = 'StoreWriteError';
}

/**
 * The two moments of a write: `durable` once it may be acknowledged (a killed process keeps
 * its rows), `visible` once its rows are inserted and every read sees them. Without a
 * journal they are the same moment. `visible` never rejects unhandled: attach to it or not.
 */
export interface WriteReceipt {
  durable: Promise<void>;
  visible: Promise<void>;
}

/** One table's writer: rows of many requests, few inserts, a bounded queue. */
export interface TableWriter {
  readonly table: string;
  /** Serialised bytes not yet inserted. */
  readonly queueBytes: number;
  /** True when a write now would be refused with QueueFullError. */
  readonly isFull: boolean;
  /**
   * Queues records of one tenant (QueueFullError at once when full). `ack` says which moment
   * the caller waits for: a writer may hurry the rows of a caller waiting for `visible`.
   */
  write(records: readonly object[], tenant: string, ack?: 'durable' | 'visible'): WriteReceipt;
  /** Resolves once the rows of every write acknowledged before the call are visible, or their insert failed. */
  visible(): Promise<void>;
  /** Stops accepting writes and inserts what was queued (what cannot be inserted stays durable, if it was). */
  close(): Promise<void>;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

interface QueuedWrite extends Waiter {
  body: Buffer;
  rows: number;
}

interface Pending {
  writes: QueuedWrite[];
  rows: number;
  bytes: number;
}

const emptyPending = (): Pending => ({ writes: [], rows: 0, bytes: 0 });

/**
 * Group commit for one table: many requests, one insert. Every table written here has a
 * `Tenant` column after the record's columns; each write carries its tenant. A write resolves only after the
 * insert containing its rows has succeeded, so a request is acknowledged only once its
 * rows are durable. Rows are serialised (RowBinary) when queued, into one reusable buffer
 * and then one exact-size copy per write, which spreads the CPU cost and lets the queue be
 * bounded in bytes. Inserts go when batchRows wait, when the oldest row has waited
 * flushInterval, or earlier when closed-loop senders are back (see FlushPacing).
 */
export class BatchWriter implements TableWriter {
  private pending = emptyPending();
  private queuedBytes = 0;
  private inflight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private due = false;
  private closed = false;
  private readonly rows: RowBinaryTable;
  private readonly sink = new ByteSink();
  private readonly pacing: FlushPacing;

  constructor(
    private readonly sql: Sql,
    readonly table: string,
    columns: readonly Column[],
    private readonly opts: BatchWriterOptions,
    private readonly observe: (o: InsertObservation) => void = () => {},
  ) {
    this.rows = rowBinaryTable(columns);
    this.pacing = new FlushPacing(opts.batchRows);
  }

  get queueBytes(): number {
    return this.queuedBytes;
  }

  get isFull(): boolean {
    return this.queuedBytes >= this.opts.maxQueuedBytes;
  }

  /** Durable and visible alike: once the insert that carries the rows has succeeded. */
  write(records: readonly object[], tenant: string): WriteReceipt {
    const done = this.enqueue(records, tenant);
    done.catch(() => {});
    return { durable: done, visible: done };
  }

  /** At once: a write is acknowledged only once inserted, so what was acknowledged is visible. */
  visible(): Promise<void> {
    return Promise.resolve();
  }

  private enqueue(records: readonly object[], tenant: string): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new StoreWriteError('the store is shutting down'));
    if (this.isFull) {
      return Promise.reject(new QueueFullError(`write queue for ${this.table} is full`));
    }
    this.rows.write(this.sink, records, tenantKey(tenant));
    const body = this.sink.take();
    const p = this.pending;
    const done = new Promise<void>((resolve, reject) => p.writes.push({ body, rows: records.length, resolve, reject }));
    p.rows += records.length;
    p.bytes += body.length;
    this.queuedBytes += body.length;
    if (this.pacing.ready(p.rows)) this.requestFlush();
    else if (!this.timer) this.timer = setTimeout(() => this.requestFlush(), this.opts.flushIntervalMs);
    return done;
  }

  /** Inserts everything queued so far and waits for it. */
  async flush(): Promise<void> {
    while (this.pending.rows > 0 || this.inflight) {
      this.requestFlush();
      await this.inflight;
    }
  }

  /** Stops accepting writes and flushes what was queued. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private requestFlush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.inflight) {
      this.due = true;
      return;
    }
    if (this.pending.rows === 0) return;
    this.inflight = this.insertPending().finally(() => {
      this.inflight = null;
      const p = this.pending;
      if (p.rows > 0 && (this.due || this.pacing.ready(p.rows) || this.closed)) {
        this.due = false;
        this.requestFlush();
      } else if (p.rows > 0 && !this.timer) {
        this.timer = setTimeout(() => this.requestFlush(), this.opts.flushIntervalMs);
      }
    });
  }

  private async insertPending(): Promise<void> {
    const batch = this.takeBatch();
    const started = performance.now();
    let ok = false;
    try {
      await this.sql.insertRowBinary(
        this.table,
        this.rows.columns,
        this.rows.structure,
        batch.writes.map((w) => w.body),
      );
      ok = true;
      for (const w of batch.writes) w.resolve();
    } catch (err) {
      const e = new StoreWriteError(`insert into ${this.table} failed: ${(err as Error).message.split('\n')[0]}`);
      for (const w of batch.writes) w.reject(e);
    } finally {
      this.pacing.inserted(batch.rows, ok);
      this.queuedBytes -= batch.bytes;
      this.observe({
        table: this.table,
        rows: batch.rows,
        bytes: batch.bytes,
        seconds: (performance.now() - started) / 1000,
        ok,
      });
    }
  }

  /** Takes whole writes (never splits one) up to maxInsertRows, at least one write. */
  private takeBatch(): Pending {
    const p = this.pending;
    if (p.rows <= this.opts.maxInsertRows) {
      this.pending = emptyPending();
      return p;
    }
    const batch = emptyPending();
    let n = 0;
    while (n < p.writes.length && (n === 0 || batch.rows < this.opts.maxInsertRows)) {
      const w = p.writes[n++]!;
      batch.writes.push(w);
      batch.rows += w.rows;
      batch.bytes += w.body.length;
    }
    p.writes.splice(0, n);
    p.rows -= batch.rows;
    p.bytes -= batch.bytes;
    return batch;
  }
}
