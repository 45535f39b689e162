import { TENANT_NAME } from '@tracehouse/store';
import { parseBytes } from '../config/units';

/** A rate in bytes per second (0 = no limit) and the bytes a tenant may send at once after being idle. */
export interface RateLimit {
  rate: number;
  burst: number;
}

/**
 * Per-tenant ingest rate limit (`ingest.tenantRateBytes`, `ingest.tenantBurstBytes`,
 * `ingest.tenantRateOverrides`): a token bucket of bytes per tenant, across signals and protocols,
 * so one tenant's flood is refused (429 / RESOURCE_EXHAUSTED, which OTLP exporters retry) before
 * it fills the shared queues that every other tenant's data goes through.
 *
 * A request is admitted while its tenant's bucket is not in debt, and then takes its whole size,
 * possibly into debt: a request larger than the burst is never refused forever, and over time a
 * tenant is held to the rate. Buckets exist per tenant, and tenants exist only through tokens an
 * admin creates, so the map is bounded.
 */
export class TenantRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    /** Every tenant's limit unless overridden. */
    private readonly limit: RateLimit,
    /** By tenant name, as the receivers pass it ('default' for the default tenant). */
    private readonly overrides: ReadonlyMap<string, RateLimit> = new Map(),
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether any tenant is limited at all. */
  get enabled(): boolean {
    return this.limit.rate > 0 || [...this.overrides.values()].some((limit) => limit.rate > 0);
  }

  /** Admits `bytes` for the tenant (and charges them), or refuses them (charging nothing). */
  take(tenant: string, bytes: number): boolean {
    const { rate, burst } = this.overrides.get(tenant) ?? this.limit;
    if (rate <= 0) return true;
    const now = this.now();
    let bucket = this.buckets.get(tenant);
    if (!bucket) {
      bucket = { tokens: burst, at: now };
      this.buckets.set(tenant, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    if (bucket.tokens <= 0) return false;
    bucket.tokens -= bytes;
    return true;
  }
}

/**
 * `ingest.tenantRateOverrides`: `acme=50MB,globex=0`, a rate per tenant name (0 = not limited),
 * each with a burst of twice its rate, by tenant name.
 */
export function parseTenantRates(list: string): Map<string, RateLimit> {
  const rates = new Map<string, RateLimit>();
  for (const entry of list.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    const name = entry.slice(0, Math.max(eq, 0)).trim();
    if (eq === -1 || !TENANT_NAME.test(name))
      throw new Error(`"${entry.trim()}": expected tenant=rate, e.g. acme=50MB`);
    const rate = parseBytes(entry.slice(eq + 1).trim());
    rates.set(name, { rate, burst: 2 * rate });
  }
  return rates;
}
