/** The one series new label sets fold into once a metric holds `limit` of them. */
export const OVERFLOW_KEY = '{otel_metric_overflow="true"}';
export const OVERFLOW_LABELS: readonly [string, string][] = [['otel_metric_overflow', 'true']];

/**
 * Cardinality limit per metric and tenant, as the OpenTelemetry SDK's
 * aggregation_cardinality_limit: once `limit` label sets of a tenant are known, every new one of
 * that tenant is counted in the overflow series, so totals stay right while group-by queries
 * undercount. Keys carry their tenant (tenantSeriesKey), and each tenant has its own room, so one
 * tenant's label explosion never folds another's series. Deterministic for a given order of
 * arrivals, so a re-run window folds the same sets.
 */
export class SeriesLimiter {
  /** Tenant key -> its known label sets. */
  private readonly known = new Map<string, Set<string>>();

  constructor(
    readonly limit: number,
    known: Iterable<{ key: string; tenant: string }> = [],
  ) {
    for (const k of known) if (!isOverflow(k.key, k.tenant)) this.of(k.tenant).add(k.key);
  }

  /**
   * The key to count `key` (a series of `tenant`) under: itself, or the tenant's overflow key
   * past that tenant's limit.
   */
  admit(key: string, tenant = ''): string {
    if (isOverflow(key, tenant)) return key;
    const known = this.of(tenant);
    if (known.has(key)) return key;
    if (known.size >= this.limit) return tenantSeriesKey(tenant, OVERFLOW_KEY);
    known.add(key);
    return key;
  }

  /** Frees a label set (its series expired). */
  forget(key: string, tenant = ''): void {
    this.known.get(tenant)?.delete(key);
  }

  private of(tenant: string): Set<string> {
    let set = this.known.get(tenant);
    if (!set) {
      set = new Set();
      this.known.set(tenant, set);
    }
    return set;
  }

  /** Label sets known, all tenants together. */
  get size(): number {
    let n = 0;
    for (const set of this.known.values()) n += set.size;
    return n;
  }
}

/** Canonical series key: the labels in the given order, Prometheus-style. */
export function seriesKey(labels: readonly (readonly [string, string])[]): string {
  return `{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

/**
 * The key of a series of one tenant: the tenant's stored key (see @tracehouse/store tenantKey,
 * '' for the default tenant) before the labels, so two tenants' equal label sets are two series.
 * The key is an identity only: the tenant travels beside it as data (never parsed back out, since
 * not every key is a `{...}` label set: service-graph keys are edges).
 */
export const tenantSeriesKey = (tenant: string, key: string): string => `${tenant}${key}`;

/** Whether `key` is `tenant`'s overflow series key. */
const isOverflow = (key: string, tenant: string): boolean => key === tenantSeriesKey(tenant, OVERFLOW_KEY);
