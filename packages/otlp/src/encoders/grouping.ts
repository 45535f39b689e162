import type { ResourceScopeColumns } from '../model';

export interface ScopeGroup<T> {
  /** A record carrying the scope's (and resource's) columns. */
  first: T;
  items: T[];
}

export interface ResourceGroup<T> {
  first: T;
  scopes: ScopeGroup<T>[];
}

/**
 * Groups records with identical resource and scope columns back into one resource entry with
 * one scope entry, in order of first appearance, keeping the records' order within a group.
 */
export function groupByResourceAndScope<T>(
  records: readonly T[],
  columnsOf: (record: T) => ResourceScopeColumns,
): ResourceGroup<T>[] {
  const resources: ResourceGroup<T>[] = [];
  const byResource = new Map<string, { group: ResourceGroup<T>; scopes: Map<string, ScopeGroup<T>> }>();
  let previous: ResourceScopeColumns | undefined;
  let previousScope: ScopeGroup<T> | undefined;
  for (const record of records) {
    const columns = columnsOf(record);
    // Decoded records of one scope share their attribute objects: skip the keying for them.
    if (previous !== undefined && previousScope !== undefined && sameColumns(previous, columns)) {
      previousScope.items.push(record);
      continue;
    }
    const resourceKey = JSON.stringify([
      columns.ResourceAttributes,
      columns.ResourceAttributeTypes,
      columns.ResourceDroppedAttributesCount,
      columns.ResourceSchemaUrl,
    ]);
    let resource = byResource.get(resourceKey);
    if (resource === undefined) {
      resource = { group: { first: record, scopes: [] }, scopes: new Map() };
      byResource.set(resourceKey, resource);
      resources.push(resource.group);
    }
    const scopeKey = JSON.stringify([
      columns.ScopeName,
      columns.ScopeVersion,
      columns.ScopeAttributes,
      columns.ScopeAttributeTypes,
      columns.ScopeDroppedAttributesCount,
      columns.ScopeSchemaUrl,
    ]);
    let scope = resource.scopes.get(scopeKey);
    if (scope === undefined) {
      scope = { first: record, items: [] };
      resource.scopes.set(scopeKey, scope);
      resource.group.scopes.push(scope);
    }
    scope.items.push(record);
    previous = columns;
    previousScope = scope;
  }
  return resources;
}

function sameColumns(a: ResourceScopeColumns, b: ResourceScopeColumns): boolean {
  return (
    a.ResourceAttributes === b.ResourceAttributes &&
    a.ResourceAttributeTypes === b.ResourceAttributeTypes &&
    a.ResourceDroppedAttributesCount === b.ResourceDroppedAttributesCount &&
    a.ResourceSchemaUrl === b.ResourceSchemaUrl &&
    a.ScopeName === b.ScopeName &&
    a.ScopeVersion === b.ScopeVersion &&
    a.ScopeAttributes === b.ScopeAttributes &&
    a.ScopeAttributeTypes === b.ScopeAttributeTypes &&
    a.ScopeDroppedAttributesCount === b.ScopeDroppedAttributesCount &&
    a.ScopeSchemaUrl === b.ScopeSchemaUrl
  );
}
