/**
 * Per-tenant ingest rate limit (`ingest.tenantRateBytes`, `ingest.tenantBurstBytes`): a token
 * bucket of bytes per tenant, across signals and protocols, so one tenant's flood is refused
 * (429 / RESOURCE_EXHAUSTED, which OTLP exporters retry) before it fills the shared queues
 * that every other tenant's data goes through.
 *
 * A request is admitted while its tenant's bucket is not in debt, and then takes its whole size,
 * possibly into debt: a request larger than the burst is never refused forever, and over time a
 * tenant is held to the rate. Buckets exist per tenant, and tenants exist only through tokens an
 * admin creates, so the map is bounded.
 */
export class TenantRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    /** Bytes per second per tenant; 0 = no limit. */
    private readonly ratePerSecond: number,
    /** Bytes a tenant may send at once after being idle. */
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get enabled(): boolean {
    return this.ratePerSecond > 0;
  }

  /** Admits `bytes` for `tenant` (and charges them), or refuses them (charging nothing). */
  take(tenant: string, bytes: number): boolean {
    if (!this.enabled) return true;
    const now = this.now();
    let bucket = this.buckets.get(tenant);
    if (!bucket) {
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(tenant, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = now;
    if (bucket.tokens <= 0) return false;
    bucket.tokens -= bytes;
    return true;
  }
}
