/**
 * Who is waiting for a statement: a person (an API read) or a background job (sampling,
 * derived metrics, alerting, retention). Interactive statements go first.
 */
export type QueryPriority = 'interactive' | 'background';

export interface SchedulerOptions {
  /** Statements running at once. */
  concurrency: number;
  /**
   * Interactive statements started in a row, at most, while a background one waits: readers
   * hammering the API slow the processors down but never stop them.
   */
  interactiveBurst?: number;
  /** Statements waiting per priority, at most; past it a new one is refused at once. */
  maxWaiting?: number;
}

/** A statement could not start: the store is saturated. Answered 503, never a crash. */
export class SchedulerBusyError extends Error {
  override readonly name = 'SchedulerBusyError';
}

export interface SchedulerStats {
  running: number;
  waiting: Record<QueryPriority, number>;
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Runs statements `concurrency` at a time, interactive ones first. Embedded chDB executes
 * parameterised statements one at a time in the process (measured; see docs/performance.md),
 * so the order in which they are handed to it is the only lever: a reader waits behind the
 * statement running now, not behind every background statement queued before it.
 */
export class StatementScheduler {
  private running = 0;
  private readonly queues: Record<QueryPriority, Waiter[]> = { interactive: [], background: [] };
  /** Interactive starts since the last background start while background work waited. */
  private burst = 0;
  private readonly interactiveBurst: number;
  private readonly maxWaiting: number;

  constructor(private readonly options: SchedulerOptions) {
    this.interactiveBurst = options.interactiveBurst ?? 8;
    this.maxWaiting = options.maxWaiting ?? 10_000;
  }

  /**
   * Runs `fn` when its turn comes. `maxWaitMs` bounds the wait in the queue (a statement that
   * could not even start within its own time limit fails instead of piling up).
   */
  async run<T>(priority: QueryPriority, fn: () => Promise<T>, maxWaitMs = Infinity): Promise<T> {
    await this.acquire(priority, maxWaitMs);
    try {
      return await fn();
    } finally {
      this.running--;
      this.next();
    }
  }

  stats(): SchedulerStats {
    return {
      running: this.running,
      waiting: { interactive: this.queues.interactive.length, background: this.queues.background.length },
    };
  }

  private acquire(priority: QueryPriority, maxWaitMs: number): Promise<void> {
    if (
      this.running < this.options.concurrency &&
      this.queues.interactive.length + this.queues.background.length === 0
    ) {
      this.running++;
      return Promise.resolve();
    }
    const queue = this.queues[priority];
    if (queue.length >= this.maxWaiting)
      return Promise.reject(new SchedulerBusyError(`too many ${priority} statements waiting for the store`));
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        start: () => {
          if (w.timer) clearTimeout(w.timer);
          resolve();
        },
        timer: undefined,
      };
      if (Number.isFinite(maxWaitMs)) {
        w.timer = setTimeout(() => {
          const at = queue.indexOf(w);
          if (at >= 0) queue.splice(at, 1);
          reject(new SchedulerBusyError(`a ${priority} statement waited ${maxWaitMs} ms for the store`));
        }, maxWaitMs);
      }
      queue.push(w);
    });
  }

  private next(): void {
    while (this.running < this.options.concurrency) {
      const w = this.pick();
      if (!w) return;
      this.running++;
      w.start();
    }
  }

  private pick(): Waiter | undefined {
    const { interactive, background } = this.queues;
    const backgroundsTurn = background.length > 0 && (interactive.length === 0 || this.burst >= this.interactiveBurst);
    if (backgroundsTurn) {
      this.burst = 0;
      return background.shift();
    }
    const w = interactive.shift();
    if (w && background.length > 0) this.burst++;
    return w;
  }
}
