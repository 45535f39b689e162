import type { LogRecord, MetricBatch, SpanRecord } from '@tracehouse/otlp';
import { type ConnectOptions, Sql } from './client';
import { PromStore, type PromStoreOptions } from './prometheus/promStore';
import { type LogQuery, queryLogs } from './read/logs';
import { type MetricQuery, queryMetrics } from './read/metrics';
import { getTrace } from './read/traces';
import { type TraceDecision, traceDecision } from './sampling/decisions';
import { migrate } from './schema/migrate';
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
import { tagValuesViewSql } from './search/schema';
import { DEFAULT_TENANT } from './tenant';
import { BatchWriter, type BatchWriterOptions, type InsertObservation, QueueFullError } from './write/batchWriter';

export interface StoreOptions extends ConnectOptions {
  retention: Retention;
  writer: BatchWriterOptions;
  /** One span in this many feeds the autocomplete rollup (default 16; 1 = every span). */
  tagSampleRate?: number;
  onInsert?: (o: InsertObservation) => void;
}

export interface TableStats {
  table: string;
  rows: number;
  bytesOnDisk: number;
  uncompressedBytes: number;
  activeParts: number;
}

type MetricType = keyof MetricBatch;

/** The storage of tracehouse: schema, group-committed writers and readers. */
export class Store {
  private constructor(
    readonly sql: Sql,
    private readonly spanWriter: BatchWriter,
    private readonly logWriter: BatchWriter,
    private readonly metricWriters: Record<MetricType, BatchWriter>,
    /** Retention of the recent window (s): older traces are read from `spans` only. */
    private readonly recentSeconds: number,
  ) {}

  static async open(opts: StoreOptions): Promise<Store> {
    const sql = Sql.connect(opts);
    await migrate(sql);
    await applyRetention(sql, opts.retention);
    for (const statement of tagValuesViewSql(opts.tagSampleRate ?? 16)) await sql.command(statement);
    const writer = (t: TableDef) => new BatchWriter(sql, t.name, t.columns, opts.writer, opts.onInsert);
    const metricWriters = Object.fromEntries(
      Object.entries(metricTables).map(([type, t]) => [type, writer(t)]),
    ) as Record<MetricType, BatchWriter>;
    return new Store(sql, writer(spansRecent), writer(logs), metricWriters, opts.retention.spansRecent);
  }

  get engine(): 'embedded' | 'server' {
    return this.sql.engine;
  }

  writeSpans(spans: readonly SpanRecord[], tenant = DEFAULT_TENANT): Promise<void> {
    return this.spanWriter.write(spans, tenant);
  }

  writeLogs(records: readonly LogRecord[], tenant = DEFAULT_TENANT): Promise<void> {
    return this.logWriter.write(records, tenant);
  }

  /** All or nothing at the queue: refused whole when any metric type's queue is full. */
  async writeMetrics(batch: MetricBatch, tenant = DEFAULT_TENANT): Promise<void> {
    const types = (Object.keys(this.metricWriters) as MetricType[]).filter((t) => batch[t].length > 0);
    const full = types.find((t) => this.metricWriters[t].isFull);
    if (full) throw new QueueFullError(`write queue for ${this.metricWriters[full].table} is full`);
    await Promise.all(types.map((t) => this.metricWriters[t].write(batch[t], tenant)));
  }

  /** Serialised bytes waiting to be inserted, per table. */
  queueBytes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const w of this.writers()) out[w.table] = w.queueBytes;
    return out;
  }

  /** The spans of one trace that belong to `tenant`. */
  getTrace(traceId: string, tenant: string): Promise<SpanRecord[]> {
    return getTrace(this.sql, traceId, tenant, this.recentSeconds);
  }

  /** The sampling decision of a trace of `tenant`; undefined for a trace id it never sent. */
  traceDecision(traceId: string, tenant: string): Promise<TraceDecision | undefined> {
    return traceDecision(this.sql, traceId, tenant);
  }

  queryLogs(q: LogQuery): Promise<LogRecord[]> {
    return queryLogs(this.sql, q);
  }

  queryMetrics(q: MetricQuery): Promise<MetricBatch> {
    return queryMetrics(this.sql, q);
  }

  /** The stored metrics and derived metrics as Prometheus series (the PromQL engine's source). */
  prometheus(options: PromStoreOptions): PromStore {
    return new PromStore(this.sql, options);
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
    await this.sql.close();
  }

  private writers(): BatchWriter[] {
    return [this.spanWriter, this.logWriter, ...Object.values(this.metricWriters)];
  }
}

async function applyRetention(sql: Sql, retention: Retention): Promise<void> {
  for (const t of dataTables) await sql.command(modifyTtlSql(t, retention[t.retention]));
  await sql.command(traceIndexTtlSql(Math.max(retention.spansRecent, retention.spans)));
  await sql.command(samplingDecisionsTtlSql(Math.max(retention.spansRecent, retention.spans)));
}
