import { QueryLimitError } from '@tracehouse/store';
import type { LabelPairs } from '../exposition/format';
import { floorTo, type IntervalOptions, IntervalProcessor, type SeriesUpdate } from '../processor';
import type { StoredExemplar } from '../rows';
import type { DerivedStore } from '../store';
import { exemplarsByBucket, LATENCY_BOUNDS_NS, LATENCY_BUCKETS } from './buckets';
import { CumulativeSeries } from './cumulative';
import { type Dimension, spanKindLabel, statusCodeLabel } from './labels';
import { OVERFLOW_LABELS, type SeriesLimiter, seriesKey, tenantSeriesKey } from './overflow';
import type { KeepRule, SpanMetricCell, SpanMetricRow } from './sql';

export interface SpanMetricsOptions extends IntervalOptions {
  dimensions: readonly Dimension[];
  keep: KeepRule;
}

/**
 * RED metrics over every span, before sampling. Each tick aggregates the whole intervals of
 * ingest time that ended at least `lagMs` ago (so an insert still in flight, whose rows carry
 * an earlier IngestTime, has landed); see IntervalProcessor for storing and restoring.
 */
export class SpanMetricsProcessor extends IntervalProcessor<SpanMetricRow> {
  readonly name = 'span_metrics';
  private narrow = false;

  constructor(
    store: DerivedStore,
    private readonly options: SpanMetricsOptions,
  ) {
    super(new CumulativeSeries({ latency: LATENCY_BUCKETS }), store, options);
  }

  protected async totals(watermarkMs: number): Promise<SeriesUpdate[]> {
    return (await this.store.spanMetricTotals(watermarkMs)).map((t) => ({
      key: t.seriesKey,
      tenant: t.tenant,
      labels: this.labelsOf(t),
      delta: {
        counters: { calls: t.calls },
        histograms: { latency: { buckets: t.latencyBuckets, sum: t.latencySum } },
      },
      windowEndMs: t.lastWindowEndMs,
    }));
  }

  protected async firstMs(nowMs: number): Promise<number> {
    const oldest = await this.store.oldestIngestMs();
    return oldest ?? Math.min(nowMs, await this.store.databaseNowMs()) - this.options.lagMs;
  }

  // Ingest time is the database's clock: never close an interval it has not reached,
  // whatever the injected clock says (a server's clock may lag Node's).
  protected async ready(nowMs: number): Promise<number> {
    return floorTo(Math.min(nowMs, await this.store.databaseNowMs()) - this.options.lagMs, this.options.intervalMs);
  }

  // Catching up goes several intervals per query; after a query that hit its limits
  // (too many label sets), one interval at a time.
  protected override maxIntervals(): number {
    return this.narrow ? 1 : super.maxIntervals();
  }

  protected async compute(fromMs: number, toMs: number, limiter: SeriesLimiter, caughtUp: boolean) {
    let cells: SpanMetricCell[];
    try {
      cells = await this.store.spanMetricCells({
        fromMs,
        toMs,
        intervalMs: this.options.intervalMs,
        dimensions: this.options.dimensions.map((d) => d.attribute),
        boundsNs: LATENCY_BOUNDS_NS,
        keep: this.options.keep,
      });
    } catch (err) {
      if (err instanceof QueryLimitError) this.narrow = true;
      throw err;
    }
    if (caughtUp) this.narrow = false;
    return { rows: this.fold(cells, limiter) };
  }

  protected insert(rows: readonly SpanMetricRow[]): Promise<void> {
    return this.store.insertSpanMetrics(rows);
  }

  protected update(r: SpanMetricRow): SeriesUpdate {
    return {
      key: r.seriesKey,
      tenant: r.tenant,
      labels: this.labelsOf(r),
      delta: {
        counters: { calls: r.calls },
        histograms: {
          latency: { buckets: r.latencyBuckets, sum: r.latencySum, exemplars: exemplarsByBucket(r.exemplars) },
        },
      },
      windowEndMs: r.windowEndMs,
    };
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
      const admitted = limiter.admit(key, cell.tenant);
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
