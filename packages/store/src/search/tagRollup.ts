import type { SpanRecord } from '@tracehouse/otlp';
import type { Sql } from '../client';
import { tenantKey } from '../tenant';
import type { InsertObservation } from '../write/batchWriter';
import { ByteSink } from '../write/rowBinary';
import { TAG_VALUES_TABLE } from './schema';
import { TagCounts } from './tagCounts';

/**
 * Feeds the autocomplete rollup (`search_tag_values`) off the insert path. It was a materialised
 * view over `spans_recent`: every span insert then ran its pipeline and wrote a new part of the
 * rollup, whatever it sampled, ~3 us per span of the storage ceiling's ~28 (docs/performance.md).
 * Now the spans of each successful write are counted in memory (tagCounts.ts) and the counts go
 * in one insert every `flushIntervalMs`, early when the bound is reached, before a tag read (so
 * autocomplete shows everything stored so far) and at close.
 *
 * These are hints, never on a span write's path: a write is acknowledged whatever happens here,
 * a failed insert of counts is dropped (and observed as a failed insert of the rollup), and a
 * `kill -9` loses at most the last interval's counts.
 */

export interface TagRollupOptions {
  /** One span in this many is counted (search.tagSampleRate). */
  sampleRate: number;
  flushIntervalMs: number;
  /** Distinct rows held between flushes at most. */
  maxEntries: number;
  /** ms since the epoch. */
  now: () => number;
  /** Calls `tick` every `ms` until the returned function is called (tests await what it returns). */
  timer: (tick: () => Promise<void>, ms: number) => () => void;
  observe: (o: InsertObservation) => void;
}

export const DEFAULT_TAG_FLUSH_INTERVAL_MS = 5_000;
export const DEFAULT_TAG_MAX_ENTRIES = 20_000;

/** A timer that never keeps the process alive. */
export const intervalTimer: TagRollupOptions['timer'] = (tick, ms) => {
  const t = setInterval(() => void tick(), ms);
  t.unref();
  return () => clearInterval(t);
};

// The minute, not the day, goes in: ClickHouse makes it a day in its own timezone, as the view
// did from IngestTime and as the readers do (`toDate(toDateTime(...))`).
const STRUCTURE = 'Scope String, Key String, Type String, Value String, Minute DateTime, Tenant String, Count UInt64';
const COLUMNS = ['Scope', 'Key', 'Type', 'Value', 'Day', 'Tenant', 'Count'];
const SELECT = 'Scope, Key, Type, Value, toDate(Minute), Tenant, Count';

export class TagRollup {
  private readonly counts: TagCounts;
  private flushing: Promise<void> | null = null;
  private readonly stopTimer: () => void;
  private readonly sink = new ByteSink();

  constructor(
    private readonly sql: Sql,
    private readonly opts: TagRollupOptions,
  ) {
    this.counts = new TagCounts(opts.sampleRate, opts.maxEntries);
    // A tick while a flush is in flight leaves the new counts to the next one.
    this.stopTimer = opts.timer(async () => (this.flushing ? undefined : this.flush()), opts.flushIntervalMs);
  }

  /** Counts a write of spans that has been stored. Never throws. */
  spansWritten(spans: readonly SpanRecord[], tenant: string): void {
    try {
      this.counts.add(spans, tenantKey(tenant), Math.floor(this.opts.now() / 60_000) * 60);
    } catch {
      // A record the decoders never make; its spans are stored, only the hint is lost.
    }
    if (this.counts.full && !this.flushing) void this.flush();
  }

  /** Inserts every count gathered before the call; never rejects. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.counts.size === 0) return;
    this.flushing = this.insert().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  /** Stops the timer and inserts what is left. */
  async close(): Promise<void> {
    this.stopTimer();
    await this.flush();
  }

  private async insert(): Promise<void> {
    const rows = this.counts.take();
    const out = this.sink;
    for (const r of rows) {
      out.string(r.scope);
      out.string(r.key);
      out.string(r.type);
      out.string(r.value);
      out.u32(r.minute);
      out.string(r.tenant);
      out.i64(String(r.count));
    }
    const body = out.take();
    const started = performance.now();
    let ok = false;
    try {
      await this.sql.insertRowBinary(TAG_VALUES_TABLE, COLUMNS, STRUCTURE, [body], SELECT);
      ok = true;
    } catch {
      // Hints: dropped, and seen as a failed insert of the rollup.
    } finally {
      this.opts.observe({
        table: TAG_VALUES_TABLE,
        rows: rows.length,
        bytes: body.length,
        seconds: (performance.now() - started) / 1000,
        ok,
      });
    }
  }
}
