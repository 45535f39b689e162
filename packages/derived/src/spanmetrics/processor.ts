import { QueryLimitError } from '@tracehouse/store';
import type { LabelPairs } from '../exposition/format';
import type { StoredExemplar } from '../rows';
import type { DerivedStore } from '../store';
import { exemplarsByBucket, LATENCY_BOUNDS_NS, LATENCY_BUCKETS } from './buckets';
import { CumulativeSeries } from './cumulative';
import { type Dimension, spanKindLabel, statusCodeLabel } from './labels';
import { OVERFLOW_LABELS, SeriesLimiter, seriesKey, tenantSeriesKey } from './overflow';
import type { KeepRule, SpanMetricCell, SpanMetricRow } from './sql';

export interface SpanMetricsOptions {
  intervalMs: number;
  lagMs: number;
  dimensions: readonly Dimension[];
  cardinalityLimit: number;
  /** A series with no data this long is dropped from /metrics (0 = never). */
  staleMs?: number;
  keep: KeepRule;
  /** Intervals computed per tick at most (catching up after downtime goes in steps). */
  maxIntervalsPerTick?: number;
}

/** Aligned interval containing `ms`. */
export const floorTo = (ms: number, intervalMs: number): number => Math.floor(ms / intervalMs) * intervalMs;

/**
 * RED metrics over every span, before sampling. Each tick aggregates the whole intervals of
 * ingest time that ended at least `lagMs` ago (so an insert still in flight, whose rows carry
 * an earlier IngestTime, has landed), stores one delta row per series and interval, then
 * moves the watermark. A crash between the two re-runs the interval, which writes identical
 * rows (the table folds them). The cumulative counters of /metrics start from the stored
 * rows, so they never go down across restarts.
 */
export class SpanMetricsProcessor {
  readonly name = 'span_metrics';
  readonly series = new CumulativeSeries({ latency: LATENCY_BUCKETS });
  private limiter: SeriesLimiter | undefined;
  private watermark: number | null = null;
  private narrow = false;

  constructor(
    private readonly store: DerivedStore,
    private readonly options: SpanMetricsOptions,
  ) {}

  /** Restores the watermark and the cumulative totals, before /metrics is first served. */
  async restore(): Promise<void> {
    this.limiter ??= await this.init();
  }

  private async init(): Promise<SeriesLimiter> {
    this.watermark = await this.store.readWatermark(this.name);
    const totals = this.watermark === null ? [] : await this.store.spanMetricTotals(this.watermark);
    for (const t of totals) {
      this.series.restore(
        t.seriesKey,
        this.labelsOf(t),
        {
          counters: { calls: t.calls },
          histograms: { latency: { buckets: t.latencyBuckets, sum: t.latencySum } },
        },
        t.lastWindowEndMs,
      );
    }
    return new SeriesLimiter(
      this.options.cardinalityLimit,
      totals.map((t) => t.seriesKey),
    );
  }

  async tick(nowMs: number): Promise<void> {
    this.limiter ??= await this.init();
    const { intervalMs, lagMs } = this.options;
    let from = this.watermark;
    if (from === null) {
      // First run on this database: start at the oldest span, or (none yet) at the current
      // interval, recorded so that later ticks need no query until an interval is ready.
      const oldest = await this.store.oldestIngestMs();
      from = floorTo(oldest ?? Math.min(nowMs, await this.store.databaseNowMs()) - lagMs, intervalMs);
      await this.store.writeWatermark(this.name, from);
      this.watermark = from;
    }
    if (from >= floorTo(nowMs - lagMs, intervalMs)) return this.expire(nowMs);
    // Ingest time is the database's clock: never close an interval it has not reached,
    // whatever the injected clock says (a server's clock may lag Node's).
    const ready = floorTo(Math.min(nowMs, await this.store.databaseNowMs()) - lagMs, intervalMs);
    if (from >= ready) return this.expire(nowMs);
    // Catching up goes several intervals per query; after a query that hit its limits
    // (too many label sets), one interval at a time.
    const intervals = this.narrow ? 1 : (this.options.maxIntervalsPerTick ?? 8);
    const to = Math.min(ready, from + intervalMs * intervals);
    let cells: SpanMetricCell[];
    try {
      cells = await this.store.spanMetricCells({
        fromMs: from,
        toMs: to,
        intervalMs,
        dimensions: this.options.dimensions.map((d) => d.attribute),
        boundsNs: LATENCY_BOUNDS_NS,
        keep: this.options.keep,
      });
    } catch (err) {
      if (err instanceof QueryLimitError) this.narrow = true;
      throw err;
    }
    if (to >= ready) this.narrow = false;
    const rows = this.fold(cells, this.limiter);
    await this.store.insertSpanMetrics(rows);
    await this.store.writeWatermark(this.name, to);
    this.watermark = to;
    for (const r of rows) {
      const exemplars = exemplarsByBucket(r.exemplars);
      this.series.add(
        r.seriesKey,
        this.labelsOf(r),
        {
          counters: { calls: r.calls },
          histograms: { latency: { buckets: r.latencyBuckets, sum: r.latencySum, exemplars } },
        },
        r.windowEndMs,
      );
    }
    this.expire(nowMs);
  }

  private expire(nowMs: number): void {
    if (!this.options.staleMs) return;
    for (const key of this.series.expire(nowMs, this.options.staleMs)) this.limiter?.forget(key);
  }

  /** The end of the last interval computed, or null before the first. */
  get computedUntilMs(): number | null {
    return this.watermark;
  }

  /** Cells -> one row per interval and series, new label sets past the limit folded. */
  private fold(cells: readonly SpanMetricCell[], limiter: SeriesLimiter): SpanMetricRow[] {
    const { intervalMs, dimensions } = this.options;
    const keyed = cells.map((c) => {
      const dims: Record<string, string> = {};
      dimensions.forEach((d, i) => {
        const v = c.dimensions[i] ?? '';
        if (v !== '') dims[d.label] = v;
      });
      const row = {
        tenant: c.tenant,
        service: c.service,
        spanName: c.spanName,
        spanKind: c.spanKind,
        statusCode: c.statusCode,
        dimensions: dims,
        overflow: false,
      };
      return { cell: c, row, key: tenantSeriesKey(c.tenant, seriesKey(this.labelsOf(row))) };
    });
    // Deterministic order: the same label sets are admitted when an interval is re-run.
    keyed.sort((a, b) => a.cell.windowStartMs - b.cell.windowStartMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const rows = new Map<string, SpanMetricRow>();
    for (const { cell, row, key } of keyed) {
      // Past the limit, a tenant's new label sets fold into that tenant's overflow series.
      const admitted = limiter.admit(key);
      const id = `${cell.windowStartMs}|${admitted}`;
      let r = rows.get(id);
      if (!r) {
        const base =
          admitted === key
            ? row
            : {
                tenant: cell.tenant,
                service: '',
                spanName: '',
                spanKind: '',
                statusCode: '',
                dimensions: {},
                overflow: true,
              };
        r = {
          ...base,
          windowStartMs: cell.windowStartMs,
          windowEndMs: cell.windowStartMs + intervalMs,
          seriesKey: admitted,
          calls: 0,
          latencySum: 0,
          latencyBuckets: new Array<number>(LATENCY_BUCKETS).fill(0),
          exemplars: [],
        };
        rows.set(id, r);
      }
      r.calls += cell.calls;
      r.latencySum += cell.durationNsSum / 1e9;
      r.latencyBuckets[cell.bucket]! += cell.calls;
      if (cell.exemplar) {
        const e: StoredExemplar = {
          bucket: cell.bucket,
          traceId: cell.exemplar.traceId,
          spanId: cell.exemplar.spanId,
          value: cell.exemplar.durationNs / 1e9,
          timeUnixNano: cell.exemplar.endUnixNano,
        };
        const i = r.exemplars.findIndex((x) => x.bucket === e.bucket);
        if (i < 0) r.exemplars.push(e);
        else if (BigInt(e.timeUnixNano) > BigInt(r.exemplars[i]!.timeUnixNano)) r.exemplars[i] = e;
      }
    }
    return [...rows.values()];
  }

  private labelsOf(
    r: Pick<SpanMetricRow, 'service' | 'spanName' | 'spanKind' | 'statusCode' | 'dimensions' | 'overflow'>,
  ): LabelPairs {
    if (r.overflow) return OVERFLOW_LABELS;
    return [
      ['service', r.service],
      ['span_name', r.spanName],
      ['span_kind', spanKindLabel(r.spanKind)],
      ['status_code', statusCodeLabel(r.statusCode)],
      ...this.options.dimensions
        .filter((d) => r.dimensions[d.label] !== undefined)
        .map((d) => [d.label, r.dimensions[d.label]!] as [string, string]),
    ];
  }
}
