import { resolve } from 'node:path';
import type { LogRecord, MetricBatch, SpanRecord } from '@tracehouse/otlp';
import { AlertingStore } from './alerting/alertStore';
import { AuthStore } from './auth/authStore';
import { OpsQueries } from './auth/ops';
import { QueryCache, type QueryCacheStats } from './cache/queryCache';
import { type ConnectOptions, DEFAULT_MAX_PARTITIONS_PER_INSERT, Sql } from './client';
import { type ContractFinding, type ContractRules, type ContractWindow, contractFindings } from './contract/findings';
import { loadContractFirstSeen, saveContractFirstSeen } from './contract/firstSeen';
import { DashboardStore } from './dashboards/dashboardStore';
import { type TimedFamily, writtenFamilies } from './prometheus/families';
import { FamilyCache } from './prometheus/familyCache';
import { PromStore, type PromStoreOptions } from './prometheus/promStore';
import { SeriesIndex } from './prometheus/seriesIndex';
import { type LogQuery, logContext, logHistogram, queryLogs, queryLogsPage } from './read/logs';
import { type MetricQuery, queryMetrics } from './read/metrics';
import { TraceCache, type TraceCacheOptions } from './read/traceCache';
import { MAX_TRACE_SPANS, readTracePage, type TracePage, type TracePageRequest } from './read/traces';
import { derivedTables, derivedTtlSql } from './schema/derived';
import { hourlyRollups, rollUpHourSql } from './schema/derivedHourly';
import { metricHours, metricsHourlyTtlSql, rollUpMetricsHourSql } from './schema/metricsHourly';
import { metricTimeSql } from './schema/metricsLayout';
import { migrate } from './schema/migrate';
import { recentTracesTtlSql } from './schema/recentTraces';
import {
  dataTables,
  logs,
  metricTables,
  modifyTtlSql,
  type Retention,
  samplingDecisionsTtlSql,
  spansRecent,
  type TableDef,
  traceIndexTtlSql,
} from './schema/tables';
import { dropTagValuesViewSql } from './search/schema';
import { searchTraces, type TraceSearch, type TraceSummary } from './search/search';
import { TagCache } from './search/tagCache';
import {
  DEFAULT_TAG_FLUSH_INTERVAL_MS,
  DEFAULT_TAG_MAX_ENTRIES,
  intervalTimer,
  TagRollup,
  type TagRollupOptions,
} from './search/tagRollup';
import { searchTags, type TagRange, type TagScope, type TagValuesRequest, tagValues } from './search/tags';
import { ProcessorState } from './state';
import { DEFAULT_TENANT } from './tenant';
import { type MetricsRange, type MetricsSeries, queryMetricsRange } from './traceqlMetrics/queryRange';
import {
  BatchWriter,
  type BatchWriterOptions,
  type InsertObservation,
  QueueFullError,
  type TableWriter,
  type WriteReceipt,
} from './write/batchWriter';
import { replayJournal } from './write/journal';
import { JournalWriter } from './write/journalWriter';
import type { MetricWriteListener } from './write/oldestPoint';

export interface StoreOptions extends ConnectOptions {
  retention: Retention;
  writer: BatchWriterOptions;
  /**
   * The write-ahead journal (write/journalWriter.ts): rows wait in `<dataDir>/journal` for
   * `intervalMs` and go to the store in one insert, and a write is durable once journaled.
   * Default: on with the embedded engine (1 s), off with a ClickHouse server (the ingest
   * nodes stay stateless: a write is durable once inserted). false: off.
   */
  journal?: { intervalMs: number } | false;
  /** One span in this many feeds the autocomplete rollup (default 16; 1 = every span). */
  tagSampleRate?: number;
  onInsert?: (o: InsertObservation) => void;
  /** Trace-by-id pages that can no longer change (default 20,000 spans, 10 minutes). */
  traceCache?: Partial<TraceCacheOptions>;
  /** How long tag names and values are served from memory (ms, default 10 s; 0: not cached). */
  tagCacheTtlMs?: number;
  /** The autocomplete rollup's counts in memory: flush interval, bound, clock and timer (search/tagRollup.ts). */
  tagRollup?: Partial<Omit<TagRollupOptions, 'sampleRate' | 'observe'>>;
}

export const DEFAULT_TRACE_CACHE: TraceCacheOptions = { maxSpans: 20_000, ttlMs: 600_000 };
export const DEFAULT_TAG_CACHE_TTL_MS = 10_000;

export interface TableStats {
  table: string;
  rows: number;
  bytesOnDisk: number;
  uncompressedBytes: number;
  activeParts: number;
}

type MetricType = keyof MetricBatch;

/**
 * When a write's promise resolves: `visible` once every read sees its rows (the default, for
 * callers that read what they wrote: its rows go to the store at once), `durable` once a
 * killed process would keep them (what a receiver acknowledges; with the journal, they wait
 * up to its interval to be inserted with the rows of other requests).
 */
export type WriteAck = 'durable' | 'visible';

export const DEFAULT_JOURNAL_INTERVAL_MS = 1000;

/**
 * The storage of tracehouse: schema, group-committed writers, readers and search, one
 * typed method per question. `sql` is the connection for the capability packages that own
 * their SQL (@tracehouse/sampling, @tracehouse/derived) and for tests; the server does
 * not use it.
 */
export class Store {
  /** Users, tokens, sessions and the audit log. */
  readonly auth: AuthStore;
  /** Aggregates for the admin ops page. */
  readonly ops: OpsQueries;
  /** Users' dashboards, per tenant. */
  readonly dashboards: DashboardStore;
  /** Processor watermarks and the database clock. */
  readonly state: ProcessorState;
  /** Alert state and recording rules' series. */
  readonly alerting: AlertingStore;
  private readonly traces: TraceCache;
  private readonly metricWriteListeners: MetricWriteListener[] = [];
  private readonly families = new FamilyCache();
  /** Label sets of stored OTLP series by id, for PromQL reads (they never change: see SeriesIndex). */
  readonly seriesIndex = new SeriesIndex();
  private readonly tags: TagCache;
  /** Identical searches in flight at once share one (results are never kept: spans keep arriving). */
  private readonly searches = new QueryCache<{ traces: TraceSummary[] }>('search', {
    maxSize: 1,
    sizeOf: () => 1,
    ttlMs: 0,
  });

  private constructor(
    readonly sql: Sql,
    private readonly spanWriter: TableWriter,
    private readonly logWriter: TableWriter,
    private readonly metricWriters: Record<MetricType, TableWriter>,
    /** Retention of the recent window (s): older traces are read from `spans` only. */
    readonly recentSeconds: number,
    caches: { traces: TraceCacheOptions; tagTtlMs: number },
    private readonly tagRollup: TagRollup,
  ) {
    this.traces = new TraceCache(caches.traces);
    this.tags = new TagCache(caches.tagTtlMs);
    this.auth = new AuthStore(sql);
    this.ops = new OpsQueries(sql);
    this.dashboards = new DashboardStore(sql);
    this.state = new ProcessorState(sql);
    this.alerting = new AlertingStore(sql);
  }

  static async open(opts: StoreOptions): Promise<Store> {
    // A day of partitions per day of the longest retention, and a margin for clock skew.
    const days = Math.ceil(Math.max(opts.retention.logs, opts.retention.metrics, opts.retention.spans) / 86_400);
    const sql = Sql.connect({ ...opts, maxPartitionsPerInsert: Math.max(DEFAULT_MAX_PARTITIONS_PER_INSERT, days + 3) });
    await migrate(sql);
    await applyRetention(sql, opts.retention);
    await sql.command(dropTagValuesViewSql);
    const journal = opts.journal ?? (opts.url ? false : { intervalMs: DEFAULT_JOURNAL_INTERVAL_MS });
    const journalDir = resolve(opts.dataDir ?? './data', 'journal');
    if (journal) {
      // Rows a killed process acknowledged, before anything new is written or processed.
      await replayJournal(journalDir, (meta, segment) =>
        sql.insertRowBinaryFile(meta.table, meta.columns, meta.structure, segment.path),
      );
    }
    const writer = (t: TableDef): TableWriter =>
      journal
        ? new JournalWriter(
            sql,
            t.name,
            t.columns,
            {
              dir: journalDir,
              intervalMs: journal.intervalMs,
              maxInsertRows: opts.writer.maxInsertRows,
              maxQueuedBytes: opts.writer.maxQueuedBytes,
            },
            opts.onInsert,
          )
        : new BatchWriter(sql, t.name, t.columns, opts.writer, opts.onInsert);
    const metricWriters = Object.fromEntries(
      Object.entries(metricTables).map(([type, t]) => [type, writer(t)]),
    ) as Record<MetricType, TableWriter>;
    const caches = {
      traces: { ...DEFAULT_TRACE_CACHE, ...opts.traceCache },
      tagTtlMs: opts.tagCacheTtlMs ?? DEFAULT_TAG_CACHE_TTL_MS,
    };
    const tagRollup = new TagRollup(sql, {
      sampleRate: opts.tagSampleRate ?? 16,
      flushIntervalMs: DEFAULT_TAG_FLUSH_INTERVAL_MS,
      maxEntries: DEFAULT_TAG_MAX_ENTRIES,
      now: Date.now,
      timer: intervalTimer,
      ...opts.tagRollup,
      observe: opts.onInsert ?? (() => {}),
    });
    const recent = opts.retention.spansRecent;
    return new Store(sql, writer(spansRecent), writer(logs), metricWriters, recent, caches, tagRollup);
  }

  get engine(): 'embedded' | 'server' {
    return this.sql.engine;
  }

  writeSpans(spans: readonly SpanRecord[], tenant = DEFAULT_TENANT, ack: WriteAck = 'visible'): Promise<void> {
    const { durable, visible } = this.spanWriter.write(spans, tenant, ack);
    // Stored spans feed autocomplete (durable: they will be stored).
    durable.then(
      () => this.tagRollup.spansWritten(spans, tenant),
      () => {},
    );
    const done = this.staleOnceVisible(visible, traceIdsOf(spans));
    return ack === 'durable' ? durable : done;
  }

  /**
   * Once visible (or failed), cached pages of these traces are stale; a read still in flight may
   * have missed the new spans, so it is not kept either. Only the ids wait for that, in a
   * function of their own: a closure made in writeSpans would share its context, and so keep
   * the request's spans (~2 KB of JS heap each) alive for the journal's interval, which made
   * them survive into the old generation (most of the ingest's GC time; docs/performance.md,
   * session 19).
   */
  private staleOnceVisible(visible: Promise<void>, traceIds: readonly string[]): Promise<void> {
    const done = visible.finally(() => this.traces.tracesWritten(traceIds));
    done.catch(() => {});
    return done;
  }

  writeLogs(records: readonly LogRecord[], tenant = DEFAULT_TENANT, ack: WriteAck = 'visible'): Promise<void> {
    return this.logWriter.write(records, tenant, ack)[ack];
  }

  /** All or nothing at the queue: refused whole when any metric type's queue is full. */
  async writeMetrics(batch: MetricBatch, tenant = DEFAULT_TENANT, ack: WriteAck = 'visible'): Promise<void> {
    const types = (Object.keys(this.metricWriters) as MetricType[]).filter((t) => batch[t].length > 0);
    const full = types.find((t) => this.metricWriters[t].isFull);
    if (full) throw new QueueFullError(`write queue for ${this.metricWriters[full].table} is full`);
    const receipts = types.map((t) => this.metricWriters[t].write(batch[t], tenant, ack));
    // Even a failed write may have written some types' rows: what was read from them is stale.
    const families = writtenFamilies(batch);
    const oldestMs = Math.min(...families.map((f) => f.firstMs));
    const visible = this.metricsVisible(receipts, tenant, oldestMs, families);
    await Promise.all(receipts.map((r) => r.durable));
    if (ack === 'visible') {
      await visible;
      await Promise.all(receipts.map((r) => r.visible));
    }
  }

  /** After the write's rows are visible (in a function of its own, as staleOnceVisible: not holding the batch). */
  private metricsVisible(
    receipts: readonly WriteReceipt[],
    tenant: string,
    oldestMs: number,
    families: TimedFamily[],
  ): Promise<void> {
    return Promise.allSettled(receipts.map((r) => r.visible)).then(() => {
      this.families.written(tenant, families);
      for (const listener of this.metricWriteListeners) listener(tenant, oldestMs);
    });
  }

  /**
   * Resolves once every write of `signal` made before the call is visible (or its insert
   * failed). Every read of the Store waits for it first, so a read sees what was acknowledged
   * before it, the journal notwithstanding. Costs nothing when nothing waits.
   */
  async visible(signal: 'traces' | 'logs' | 'metrics'): Promise<void> {
    if (signal === 'traces') await this.spanWriter.visible();
    else if (signal === 'logs') await this.logWriter.visible();
    else await Promise.all(Object.values(this.metricWriters).map((w) => w.visible()));
  }

  /**
   * Called after every metric write (done or failed) with its tenant and the time of its oldest
   * point (ms): what was computed from the samples at or after that time may have changed.
   */
  onMetricWrite(listener: MetricWriteListener): void {
    this.metricWriteListeners.push(listener);
  }

  /** Serialised bytes waiting to be inserted, per table. */
  queueBytes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const w of this.writers()) out[w.table] = w.queueBytes;
    return out;
  }

  /** The spans of one trace that belong to `tenant`. */
  async getTrace(traceId: string, tenant: string): Promise<SpanRecord[]> {
    return (await this.getTracePage(traceId, tenant, { limit: MAX_TRACE_SPANS, offset: 0 })).spans;
  }

  /** One page of the spans of a trace of `tenant`, in start-time order, and how many it has. */
  async getTracePage(traceId: string, tenant: string, page: TracePageRequest): Promise<TracePage> {
    await this.visible('traces');
    return this.traces.read(traceId, tenant, page, () =>
      readTracePage(this.sql, traceId, tenant, page, this.recentSeconds),
    );
  }

  /** Traces matching a TraceQL query, newest first (see search/search.ts). */
  async searchTraces(s: TraceSearch): Promise<TraceSummary[]> {
    await this.visible('traces');
    const load = async () => ({ traces: await searchTraces(this.sql, s) });
    return (await this.searches.get(JSON.stringify(s), load, { keep: () => false })).traces;
  }

  /** A TraceQL metrics query over a range (see traceqlMetrics/queryRange.ts). */
  async queryTraceQLMetrics(r: MetricsRange): Promise<MetricsSeries[]> {
    await this.visible('traces');
    return queryMetricsRange(this.sql, r, this.recentSeconds);
  }

  /** Attribute names per scope seen in a range (the counts still in memory are inserted first). */
  searchTags(r: TagRange & { scope?: TagScope; limit?: number }) {
    return this.tags.names(r, async () => {
      await this.visible('traces');
      await this.tagRollup.flush();
      return searchTags(this.sql, r);
    });
  }

  /** Values of one tag seen in a range. */
  tagValues(r: TagValuesRequest) {
    return this.tags.values(r, async () => {
      await this.visible('traces');
      await this.tagRollup.flush();
      return tagValues(this.sql, r);
    });
  }

  /** Hits and misses of the read caches, by cache name. Their results are shared: never mutate them. */
  cacheStats(): Record<string, QueryCacheStats> {
    return { trace: this.traces.stats(), search: this.searches.stats(), ...this.tags.stats() };
  }

  /** Who breaks the telemetry contract in a window (contract/findings.ts). */
  async contractFindings(window: ContractWindow, rules: ContractRules): Promise<ContractFinding[]> {
    await this.visible('traces');
    return contractFindings(this.sql, window, rules);
  }

  /** When each of a tenant's contract violations was first seen (contract/firstSeen.ts). */
  contractFirstSeen(tenant: string): Promise<Map<string, string>> {
    return loadContractFirstSeen(this.sql, tenant);
  }

  saveContractFirstSeen(tenant: string, entries: Map<string, string>): Promise<void> {
    return saveContractFirstSeen(this.sql, tenant, entries);
  }

  async queryLogs(q: LogQuery): Promise<LogRecord[]> {
    await this.visible('logs');
    return queryLogs(this.sql, q);
  }

  /** One page of log records, newest first, with the cursor of the next. */
  async queryLogsPage(q: LogQuery) {
    await this.visible('logs');
    return queryLogsPage(this.sql, q);
  }

  async logHistogram(q: Parameters<typeof logHistogram>[1]) {
    await this.visible('logs');
    return logHistogram(this.sql, q);
  }

  /** Log records of one service around an instant. */
  async logContext(q: Parameters<typeof logContext>[1]) {
    await this.visible('logs');
    return logContext(this.sql, q);
  }

  async queryMetrics(q: MetricQuery): Promise<MetricBatch> {
    await this.visible('metrics');
    return queryMetrics(this.sql, q);
  }

  /** Retention of the derived-metric tables (span_metrics, service_graph_edges, their hourly sums), seconds. */
  async applyDerivedRetention(seconds: number): Promise<void> {
    for (const t of [...derivedTables, ...hourlyRollups.map((r) => r.table)])
      await this.sql.command(derivedTtlSql(t, seconds));
  }

  /**
   * Sums one hour of the derived metrics into their hourly tables (schema/derivedHourly.ts),
   * for PromQL reads of the time before their range. Only for an hour the derived processors
   * have finished; doing it twice is harmless.
   */
  async rollUpDerivedHour(hourStartMs: number): Promise<void> {
    for (const r of hourlyRollups) await this.sql.command(rollUpHourSql(r), { hourStartMs });
  }

  /** The oldest interval end in the derived tables (Unix ms), or null when they are empty. */
  async oldestDerivedMs(): Promise<number | null> {
    const [row] = await this.sql.query<{ t: string | null }>(
      `SELECT toString(toUnixTimestamp64Milli(min(t))) AS t FROM (
  SELECT min(WindowEnd) AS t FROM span_metrics HAVING count() > 0
  UNION ALL SELECT min(WindowEnd) FROM service_graph_edges HAVING count() > 0)
HAVING count() > 0`,
    );
    return row?.t ? Number(row.t) : null;
  }

  /**
   * Rolls up one hour of the OTLP metric points into `metrics_hourly` (schema/metricsHourly.ts),
   * for PromQL reads. Only for an hour at least metricsRollableUntilMs behind; doing it twice is harmless.
   */
  async rollUpMetricsHour(hourStartMs: number): Promise<void> {
    for (const m of metricHours) await this.sql.command(rollUpMetricsHourSql(m), { hourStartMs });
  }

  /** The oldest OTLP metric point after `sinceMs` (Unix ms), or null when there is none. */
  async oldestMetricMs(sinceMs: number): Promise<number | null> {
    const [row] = await this.sql.query<{ t: string | null }>(
      `SELECT toString(toUnixTimestamp64Milli(min(t))) AS t FROM (
  ${metricHours
    .map(
      (m) =>
        `SELECT min(TimeUnix) AS t FROM ${m.table} WHERE ${metricTimeSql('fromUnixTimestamp64Milli({since:Int64})', undefined).join(' AND ')} HAVING count() > 0`,
    )
    .join('\n  UNION ALL ')})
HAVING count() > 0`,
      { since: Math.floor(sinceMs) },
    );
    return row?.t ? Number(row.t) : null;
  }

  /** The stored metrics and derived metrics as Prometheus series (the PromQL engine's source). */
  prometheus(options: PromStoreOptions): PromStore {
    return new PromStore(this.sql, options, this.families, () => this.visible('metrics'), this.seriesIndex);
  }

  async tableStats(): Promise<TableStats[]> {
    const rows = await this.sql.query<Record<string, string | number>>(
      `SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytesOnDisk,
  sum(data_uncompressed_bytes) AS uncompressedBytes, count() AS activeParts
FROM system.parts WHERE active AND database = currentDatabase() GROUP BY table ORDER BY table`,
    );
    return rows.map((r) => ({
      table: String(r.table),
      rows: Number(r.rows),
      bytesOnDisk: Number(r.bytesOnDisk),
      uncompressedBytes: Number(r.uncompressedBytes),
      activeParts: Number(r.activeParts),
    }));
  }

  async ping(): Promise<boolean> {
    try {
      await this.sql.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /** Flushes everything acknowledged-to-be and closes the connection. */
  async close(): Promise<void> {
    await Promise.all(this.writers().map((w) => w.close()));
    await this.tagRollup.close();
    await this.sql.close();
  }

  private writers(): TableWriter[] {
    return [this.spanWriter, this.logWriter, ...Object.values(this.metricWriters)];
  }
}

async function applyRetention(sql: Sql, retention: Retention): Promise<void> {
  for (const t of dataTables) await sql.command(modifyTtlSql(t, retention[t.retention]));
  await sql.command(metricsHourlyTtlSql(retention.metrics));
  await sql.command(traceIndexTtlSql(Math.max(retention.spansRecent, retention.spans)));
  await sql.command(samplingDecisionsTtlSql(Math.max(retention.spansRecent, retention.spans)));
  for (const statement of recentTracesTtlSql(retention.spansRecent)) await sql.command(statement);
}

/**
 * The trace ids of a write, a trace's neighbouring spans counted once: a repeat further on is
 * harmless to the trace cache, and a Set hashed every id of every request (~1% of the ingest's
 * main thread, docs/performance.md, session 20) where the cache mostly holds nothing to drop.
 */
function traceIdsOf(spans: readonly SpanRecord[]): string[] {
  const ids: string[] = [];
  let last: string | undefined;
  for (const s of spans) {
    if (s.TraceId === last) continue;
    last = s.TraceId;
    ids.push(last);
  }
  return ids;
}
