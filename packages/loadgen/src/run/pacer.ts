/**
 * Paces sends to a target rate of spans per second, shared by all concurrent senders.
 * After a stall (a slow server, a retry storm) it catches up on at most `maxDebtMs` of
 * missed sends, so the average rate holds without a burst that would hide the stall.
 */
export class Pacer {
  private next = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly spansPerSecond: number,
    private readonly now: () => number,
    private readonly maxDebtMs = 1000,
  ) {}

  /** Reserves a slot for `spans` spans; returns how long to wait before sending, in ms. */
  reserve(spans: number): number {
    if (this.spansPerSecond <= 0) return 0;
    const now = this.now();
    if (this.next === Number.NEGATIVE_INFINITY) this.next = now;
    const at = Math.max(this.next, now - this.maxDebtMs);
    this.next = at + (spans / this.spansPerSecond) * 1000;
    return Math.max(0, at - now);
  }
}
