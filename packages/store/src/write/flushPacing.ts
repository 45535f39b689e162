/**
 * When waiting rows go to the store before `flushInterval` is up.
 *
 * Most senders are closed loops: a Collector's exporter or an SDK's batch processor keeps a
 * fixed number of requests in flight and sends the next one once the previous was answered.
 * After an insert of N rows has answered its requests, about N rows come back as soon as the
 * senders have them decoded; waiting out the rest of the flush interval for them adds latency
 * and nothing else, and for closed-loop senders latency is throughput: in-flight rows /
 * (flush interval + insert time). So once the rows waiting match the last insert, they go at
 * once: the same batch size as before, without the idle wait (bench:ingest, 8 x 500 in flight:
 * the 200 ms timer was about two thirds of every round trip; docs/performance.md).
 *
 * An insert has a fixed cost (tens of ms of ClickHouse CPU: planning, one new part per table
 * and view), so small inserts still wait for the timer: the early flush applies only when the
 * last insert had at least `batchRows / 4` rows, and never makes a batch smaller than it.
 */
export class FlushPacing {
  /** Rows the last successful insert answered, when large enough to pace by. */
  private answered = 0;
  private readonly minEarlyRows: number;

  constructor(private readonly batchRows: number) {
    this.minEarlyRows = Math.max(1, Math.ceil(batchRows / 4));
  }

  /** An insert of `rows` ended; a failed one answers nothing (its senders back off). */
  inserted(rows: number, ok: boolean): void {
    this.answered = ok && rows >= this.minEarlyRows ? rows : 0;
  }

  /** True when `waiting` rows should be inserted now rather than when the timer fires. */
  ready(waiting: number): boolean {
    return waiting >= this.batchRows || (this.answered > 0 && waiting >= this.answered);
  }
}
