import type { InsertObservation, Store, TableStats } from '@tracehouse/store';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** tracehouse's own metrics, served on /metrics with the `tracehouse_` prefix. */
export class SelfMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'tracehouse_otlp_requests_total',
    help: 'OTLP export requests by signal, protocol and outcome (ok, invalid, busy, over_quota, unavailable, too_large, unsupported)',
    labelNames: ['signal', 'protocol', 'outcome'],
    registers: [this.registry],
  });
  readonly overQuota = new Counter({
    name: 'tracehouse_ingest_over_quota_requests_total',
    help: 'Export requests refused because their tenant was over ingest.tenantRateBytes',
    labelNames: ['tenant', 'signal'],
    registers: [this.registry],
  });
  readonly received = new Counter({
    name: 'tracehouse_received_items_total',
    help: 'Spans, log records and metric data points accepted and durably written',
    labelNames: ['signal', 'protocol'],
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'tracehouse_rejected_items_total',
    help: 'Items refused inside otherwise valid requests (partial success)',
    labelNames: ['signal'],
    registers: [this.registry],
  });
  readonly rowsWritten = new Counter({
    name: 'tracehouse_store_rows_written_total',
    help: 'Rows inserted into the store',
    labelNames: ['table'],
    registers: [this.registry],
  });
  readonly insertFailures = new Counter({
    name: 'tracehouse_store_insert_failures_total',
    help: 'Inserts that failed (their requests were answered 503)',
    labelNames: ['table'],
    registers: [this.registry],
  });
  readonly insertDuration = new Histogram({
    name: 'tracehouse_store_insert_duration_seconds',
    help: 'Time of one group-committed insert',
    labelNames: ['table'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly insertRows = new Histogram({
    name: 'tracehouse_store_insert_rows',
    help: 'Rows per insert (group commit size)',
    labelNames: ['table'],
    buckets: [1, 10, 100, 1000, 5000, 10_000, 50_000, 100_000],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tracehouse_' });
  }

  observeInsert = (o: InsertObservation): void => {
    if (o.ok) {
      this.rowsWritten.inc({ table: o.table }, o.rows);
      this.insertDuration.observe({ table: o.table }, o.seconds);
      this.insertRows.observe({ table: o.table }, o.rows);
    } else {
      this.insertFailures.inc({ table: o.table });
    }
  };

  /** Gauges read from the store at scrape time (table stats cached briefly: they scan system.parts). */
  watchStore(store: Store): void {
    let cached: { at: number; stats: Promise<TableStats[]> } | null = null;
    const stats = () => {
      if (!cached || Date.now() - cached.at > 10_000)
        cached = { at: Date.now(), stats: store.tableStats().catch(() => []) };
      return cached.stats;
    };
    const fromStats = (name: string, help: string, pick: (s: TableStats) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['table'],
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const s of await stats()) this.set({ table: s.table }, pick(s));
        },
      });
    new Gauge({
      name: 'tracehouse_store_queue_bytes',
      help: 'Serialised rows waiting for their insert, per table',
      labelNames: ['table'],
      registers: [this.registry],
      collect() {
        for (const [table, bytes] of Object.entries(store.queueBytes())) this.set({ table }, bytes);
      },
    });
    fromStats('tracehouse_store_active_parts', 'Active data parts per table', (s) => s.activeParts);
    fromStats('tracehouse_store_rows', 'Rows per table', (s) => s.rows);
    fromStats('tracehouse_store_bytes_on_disk', 'Compressed bytes on disk per table', (s) => s.bytesOnDisk);
  }
}
