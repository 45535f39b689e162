/**
 * Background processors (sampling decisions, span metrics, service graph, forwarding) run
 * one after another on a fixed tick. Each keeps its own watermark in the database, so a
 * tick that fails or a process that dies is simply retried by the next tick.
 */
export interface Processor {
  readonly name: string;
  /** Does one bounded step of work up to `nowMs` (from the injected clock). */
  tick(nowMs: number): Promise<void>;
}

export type Clock = () => number;

export interface ProcessorLoopOptions {
  processors: Processor[];
  intervalMs: number;
  clock?: Clock;
  /** A failed tick is reported and retried next time; it never stops the loop. */
  onError?: (processor: string, err: unknown) => void;
}

export class ProcessorLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly clock: Clock;

  constructor(private readonly options: ProcessorLoopOptions) {
    this.clock = options.clock ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Runs every processor once, now (tests call this instead of waiting for the timer). */
  runOnce(): Promise<void> {
    this.running ??= (async () => {
      try {
        for (const p of this.options.processors) {
          try {
            await p.tick(this.clock());
          } catch (err) {
            this.options.onError?.(p.name, err);
          }
        }
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Stops the timer and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(async () => {
      await this.runOnce();
      this.schedule();
    }, this.options.intervalMs);
    this.timer.unref();
  }
}
