/** The one series new label sets fold into once a metric holds `limit` of them. */
export const OVERFLOW_KEY = '{otel_metric_overflow="true"}';
export const OVERFLOW_LABELS: readonly [string, string][] = [['otel_metric_overflow', 'true']];

/**
 * Cardinality limit per metric, as the OpenTelemetry SDK's aggregation_cardinality_limit:
 * once `limit` label sets are known, every new one is counted in the overflow series, so
 * totals stay right while group-by queries undercount. Deterministic for a given order of
 * arrivals, so a re-run window folds the same sets.
 */
export class SeriesLimiter {
  private readonly known: Set<string>;

  constructor(
    readonly limit: number,
    known: Iterable<string> = [],
  ) {
    this.known = new Set([...known].filter((k) => k !== OVERFLOW_KEY));
  }

  /** The key to count `key` under: itself, or OVERFLOW_KEY past the limit. */
  admit(key: string): string {
    if (key === OVERFLOW_KEY || this.known.has(key)) return key;
    if (this.known.size >= this.limit) return OVERFLOW_KEY;
    this.known.add(key);
    return key;
  }

  /** Frees a label set (its series expired). */
  forget(key: string): void {
    this.known.delete(key);
  }

  get size(): number {
    return this.known.size;
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
