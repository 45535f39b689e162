/**
 * Whether the store is taking writes, from the outcome of its inserts: /readyz answers 503
 * while they fail (a full disk, say), so a load balancer sends exports elsewhere instead of
 * to a node that can only answer 503. Ready again once no insert has failed for `quietMs`
 * (a node taken out of rotation gets no inserts to prove itself with) or one succeeds.
 */
export class WriteHealth {
  private lastFailure = -Infinity;
  private lastSuccess = -Infinity;
  private lastError = '';

  constructor(
    private readonly quietMs = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  observe = (o: { ok: boolean; table: string }): void => {
    if (o.ok) this.lastSuccess = this.clock();
    else {
      this.lastFailure = this.clock();
      this.lastError = `inserts into ${o.table} are failing`;
    }
  };

  /** Why writes are not possible now, or '' when they are. */
  failing(): string {
    const recent = this.lastFailure > this.lastSuccess && this.clock() - this.lastFailure < this.quietMs;
    return recent ? this.lastError : '';
  }
}
