import type { LabelPairs } from './exposition/format';
import type { CumulativeSeries, SeriesDelta } from './spanmetrics/cumulative';
import { SeriesLimiter } from './spanmetrics/overflow';
import type { DerivedStore } from './store';

export interface IntervalOptions {
  intervalMs: number;
  lagMs: number;
  cardinalityLimit: number;
  /** A series with no data this long is dropped from /metrics (0 = never). */
  staleMs?: number;
  /** Intervals computed per tick at most (catching up after downtime goes in steps). */
  maxIntervalsPerTick?: number;
}

/** One series' values, as stored (totals at restore, one interval's delta at tick). */
export interface SeriesUpdate {
  key: string;
  /** The series' tenant (stored key, '' = default). */
  tenant: string;
  labels: LabelPairs;
  delta: SeriesDelta;
  /** End of the (last) interval the values cover, Unix ms. */
  windowEndMs: number;
}

/** Aligned interval containing `ms`. */
export const floorTo = (ms: number, intervalMs: number): number => Math.floor(ms / intervalMs) * intervalMs;

/**
 * The skeleton both derived-metrics processors share. Each tick computes the whole intervals
 * from the watermark to `ready()` (at most maxIntervalsPerTick), stores one delta row per
 * series and interval, then moves the watermark. A crash between the two re-runs the
 * intervals, which write identical rows (the tables fold them). The cumulative series of
 * /metrics start from the stored rows, so counters never go down across restarts; new
 * label sets past the cardinality limit fold into the tenant's overflow series.
 */
export abstract class IntervalProcessor<Row> {
  abstract readonly name: string;
  private limiter: SeriesLimiter | undefined;
  private watermark: number | null = null;

  constructor(
    readonly series: CumulativeSeries,
    protected readonly store: DerivedStore,
    protected readonly intervals: IntervalOptions,
  ) {}

  /** Each series' totals over the stored intervals before `watermarkMs`. */
  protected abstract totals(watermarkMs: number): Promise<SeriesUpdate[]>;
  /** Where a first run on this database starts (unaligned): the oldest data, or now. */
  protected abstract firstMs(nowMs: number): Promise<number>;
  /** The aligned end up to which intervals can be computed now. */
  protected abstract ready(nowMs: number, fromMs: number): Promise<number>;
  /**
   * The rows of the intervals [fromMs, toMs) (`caughtUp`: toMs is as far as is ready);
   * `after` runs once they are stored.
   */
  protected abstract compute(
    fromMs: number,
    toMs: number,
    limiter: SeriesLimiter,
    caughtUp: boolean,
  ): Promise<{ rows: Row[]; after?: () => void }>;
  protected abstract insert(rows: readonly Row[]): Promise<void>;
  protected abstract update(row: Row): SeriesUpdate;
  /** Intervals per tick at most now (a processor may narrow it after a query hit its limits). */
  protected maxIntervals(): number {
    return this.intervals.maxIntervalsPerTick ?? 8;
  }

  /** Restores the watermark and the cumulative totals, before /metrics is first served. */
  async restore(): Promise<void> {
    this.limiter ??= await this.init();
  }

  private async init(): Promise<SeriesLimiter> {
    this.watermark = await this.store.readWatermark(this.name);
    const totals = this.watermark === null ? [] : await this.totals(this.watermark);
    for (const t of totals) this.series.restore(t.key, t.labels, t.delta, t.windowEndMs, t.tenant);
    return new SeriesLimiter(this.intervals.cardinalityLimit, totals);
  }

  async tick(nowMs: number): Promise<void> {
    this.limiter ??= await this.init();
    const { intervalMs, lagMs } = this.intervals;
    let from = this.watermark;
    if (from === null) {
      // First run on this database: start at the oldest data, or (none yet) at the current
      // interval, recorded so that later ticks need no query until an interval is ready.
      from = floorTo(await this.firstMs(nowMs), intervalMs);
      await this.store.writeWatermark(this.name, from);
      this.watermark = from;
    }
    const ready = from >= floorTo(nowMs - lagMs, intervalMs) ? from : await this.ready(nowMs, from);
    if (from >= ready) return this.expire(nowMs);
    const to = Math.min(ready, from + intervalMs * this.maxIntervals());
    const { rows, after } = await this.compute(from, to, this.limiter, to >= ready);
    await this.insert(rows);
    await this.store.writeWatermark(this.name, to);
    this.watermark = to;
    after?.();
    for (const row of rows) {
      const u = this.update(row);
      this.series.add(u.key, u.labels, u.delta, u.windowEndMs, u.tenant);
    }
    this.expire(nowMs);
  }

  private expire(nowMs: number): void {
    if (!this.intervals.staleMs) return;
    for (const { key, tenant } of this.series.expire(nowMs, this.intervals.staleMs)) this.limiter?.forget(key, tenant);
  }

  /** The end of the last interval computed, or null before the first. */
  get computedUntilMs(): number | null {
    return this.watermark;
  }
}
