/**
 * Writes of many callers at once go to the store together (group commit): the first write
 * starts at once, and the rows that arrive while it runs are written in one insert after it.
 * Every caller resolves (or fails) when its own rows are written, so nothing is acknowledged
 * early. The rule groups of one instant finish within moments of each other: their recorded
 * samples become a few inserts (and parts) instead of one per group.
 */
export class GroupCommit<T> {
  private pending: T[] = [];
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private running = false;

  constructor(private readonly writeAll: (rows: T[]) => Promise<void>) {}

  write(rows: readonly T[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push(...rows);
      this.waiters.push({ resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.running || this.pending.length === 0) return;
    const rows = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    this.running = true;
    const settle = (ok: boolean, err?: unknown) => {
      // The next batch starts before these callers hear back, so it never waits on their code.
      this.running = false;
      this.next();
      for (const w of waiters) {
        if (ok) w.resolve();
        else w.reject(err);
      }
    };
    let written: Promise<void>;
    try {
      written = this.writeAll(rows);
    } catch (err) {
      // A write that throws at once fails its callers like one that rejects.
      written = Promise.reject(err);
    }
    written.then(
      () => settle(true),
      (err: unknown) => settle(false, err),
    );
  }
}
