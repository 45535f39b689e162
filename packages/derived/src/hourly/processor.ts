import { DERIVED_HOURLY_WATERMARK, HOUR_MS } from '@tracehouse/store';

/**
 * What an hourly roll-up needs from the store: DerivedStore for the derived metrics' hourly sums,
 * the server's adapter for the OTLP metrics' hours; a fake in unit tests.
 */
export interface HourlyRollupStore {
  readWatermark(name: string): Promise<number | null>;
  writeWatermark(name: string, ms: number): Promise<void>;
  /** The oldest row time of the tables rolled up (Unix ms), or null when empty. */
  oldestMs(): Promise<number | null>;
  /** Rolls up one hour, (hourStartMs, hourStartMs + 1 h], into the hourly tables. */
  rollUpHour(hourStartMs: number): Promise<void>;
}

/**
 * Sums each hour of the derived metrics once both derived processors have computed all of
 * it, so that a PromQL read sums the hours before its range from one row per series and hour
 * instead of every interval of the retention. The watermark is the end of the last hour
 * summed; a crash before it moves sums that hour again, which the hourly tables fold. A store
 * with a long history catches up six hours per tick (a tick stays ~1 s: ~150 ms an hour measured).
 */
export class HourlyRollupProcessor {
  constructor(
    private readonly store: HourlyRollupStore,
    /**
     * Up to where rows are complete at `nowMs` (Unix ms), or null before anything is: for the
     * derived metrics, the end of the last interval both derived processors computed.
     */
    private readonly computedUntilMs: (nowMs: number) => number | null,
    private readonly maxHoursPerTick = 6,
    /** The watermark's name (the end of the last hour rolled up). */
    readonly name = DERIVED_HOURLY_WATERMARK,
  ) {}

  /**
   * The start of the next hour to sum, once known. Only this processor moves the watermark, so
   * it is read from the store once (and again after a failure), not at every tick: a tick that
   * has no whole hour to sum, nearly all of them, runs no statement.
   */
  private next: number | undefined;

  async tick(nowMs = Date.now()): Promise<void> {
    const until = this.computedUntilMs(nowMs);
    if (until === null) return;
    try {
      if (this.next === undefined) {
        const stored = await this.store.readWatermark(this.name);
        if (stored === null) {
          const oldest = await this.store.oldestMs();
          if (oldest === null) return;
          // The hour holding the oldest row (an hour holds the interval ends in (start, start + 1 h]).
          this.next = Math.floor((oldest - 1) / HOUR_MS) * HOUR_MS;
        } else this.next = stored;
      }
      for (let i = 0; i < this.maxHoursPerTick && this.next + HOUR_MS <= until; i++) {
        await this.store.rollUpHour(this.next);
        await this.store.writeWatermark(this.name, this.next + HOUR_MS);
        this.next += HOUR_MS;
      }
    } catch (err) {
      // Read the watermark again: whatever was written is where the work resumes.
      this.next = undefined;
      throw err;
    }
  }
}
