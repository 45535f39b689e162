import type { MetricBatch, ResourceScopeColumns } from '../../src/model';

function resourceKey(c: ResourceScopeColumns): string {
  return JSON.stringify([
    c.ResourceAttributes,
    c.ResourceAttributeTypes,
    c.ResourceDroppedAttributesCount,
    c.ResourceSchemaUrl,
  ]);
}

function scopeKey(c: ResourceScopeColumns): string {
  return JSON.stringify([
    c.ScopeName,
    c.ScopeVersion,
    c.ScopeAttributes,
    c.ScopeAttributeTypes,
    c.ScopeDroppedAttributesCount,
    c.ScopeSchemaUrl,
  ]);
}

/** The order records come back in after encoding: grouped by resource, then scope, by first appearance. */
export function regrouped<T extends ResourceScopeColumns>(records: readonly T[]): T[] {
  const groups = new Map<string, Map<string, T[]>>();
  for (const r of records) {
    const scopes = groups.get(resourceKey(r)) ?? new Map<string, T[]>();
    groups.set(resourceKey(r), scopes);
    const list = scopes.get(scopeKey(r)) ?? [];
    scopes.set(scopeKey(r), list);
    list.push(r);
  }
  return [...groups.values()].flatMap((scopes) => [...scopes.values()].flat());
}

/** Metric points in a canonical order, for comparing batches whose grouping may reorder points. */
export function sortedBatch(batch: MetricBatch): Record<string, string[]> {
  const sort = (points: readonly object[]) =>
    points
      .map((p) => JSON.stringify(p, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `${v}!` : v)))
      .sort();
  return {
    gauge: sort(batch.gauge),
    sum: sort(batch.sum),
    histogram: sort(batch.histogram),
    expHistogram: sort(batch.expHistogram),
    summary: sort(batch.summary),
  };
}
