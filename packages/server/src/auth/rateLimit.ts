/**
 * Login throttling: at most `maxFailures` failed logins per key (client address, and
 * separately per username from that address) within `windowMs`; past it, logins with that key are refused
 * until the oldest failure leaves the window. A success clears the key.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Milliseconds until a login from these keys may be tried again; 0 when allowed now. */
  retryAfterMs(keys: string[]): number {
    const now = this.clock();
    let wait = 0;
    for (const key of keys) {
      const list = this.prune(key, now);
      if (list.length >= this.maxFailures) wait = Math.max(wait, list[0]! + this.windowMs - now);
    }
    return wait;
  }

  fail(keys: string[]): void {
    const now = this.clock();
    for (const key of keys) {
      const list = this.prune(key, now);
      list.push(now);
      this.failures.set(key, list);
    }
    // Bound memory under a spray of distinct keys: forget the oldest keys.
    if (this.failures.size > 100_000) {
      for (const k of [...this.failures.keys()].slice(0, 10_000)) this.failures.delete(k);
    }
  }

  succeed(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private prune(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }
}
