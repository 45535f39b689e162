/** Refused because the gate's queue is full: answered 503 with Retry-After. */
export class GateBusyError extends Error {
  override readonly name = 'GateBusyError';
  readonly statusCode = 503;
}

/**
 * At most `max` holders at once and `maxWaiting` in line; more are refused at once. Guards
 * work whose size a client chooses (a large trace read and its response), so that many such
 * requests cannot together take the memory and the event loop that ingest and /readyz need.
 */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly max: number,
    private readonly maxWaiting: number,
    private readonly what: string,
  ) {}

  /** Resolves with the release function (safe to call more than once). */
  async acquire(): Promise<() => void> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.maxWaiting) throw new GateBusyError(`too many ${this.what} at once; retry later`);
      await new Promise<void>((r) => this.waiting.push(r));
    } else this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    };
  }
}
