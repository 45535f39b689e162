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
    known: Iterable<string> = [],
  ) {
    for (const k of known) if (!isOverflow(k)) this.of(k).add(k);
  }

  /** The key to count `key` under: itself, or its tenant's overflow key past that tenant's limit. */
  admit(key: string): string {
    if (isOverflow(key)) return key;
    const known = this.of(key);
    if (known.has(key)) return key;
    if (known.size >= this.limit) return tenantSeriesKey(seriesTenant(key), OVERFLOW_KEY);
    known.add(key);
    return key;
  }

  /** Frees a label set (its series expired). */
  forget(key: string): void {
    this.known.get(seriesTenant(key))?.delete(key);
  }

  private of(key: string): Set<string> {
    const tenant = seriesTenant(key);
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
 * '' for the default tenant) before the labels. Labels keys start with `{` and tenant names
 * cannot hold one, so the tenant is the part before the first `{`.
 */
export const tenantSeriesKey = (tenant: string, key: string): string => `${tenant}${key}`;

/** The tenant's stored key of a series key made by tenantSeriesKey. */
export const seriesTenant = (key: string): string => key.slice(0, Math.max(0, key.indexOf('{')));

/** A tenant's overflow series key (OVERFLOW_KEY after the tenant). */
const isOverflow = (key: string): boolean => key.slice(seriesTenant(key).length) === OVERFLOW_KEY;
