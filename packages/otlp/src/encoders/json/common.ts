import { attributesToKeyValues } from '../../anyvalue-json';
import type { AttributeTypes, AttributeValues, ResourceScopeColumns } from '../../model';
import type { ResourceGroup } from '../grouping';

/** A JSON object under construction; fields holding proto3 default values are left out. */
export type JsonOut = Record<string, unknown>;

export function setAttributes(out: JsonOut, name: string, values: AttributeValues, types: AttributeTypes): void {
  const list = attributesToKeyValues(values, types);
  if (list.length > 0) out[name] = list;
}

export function setString(out: JsonOut, name: string, value: string): void {
  if (value !== '') out[name] = value;
}

export function setNumber(out: JsonOut, name: string, value: number): void {
  if (value !== 0) out[name] = value;
}

/** A 64-bit integer already in its decimal-string JSON form. */
export function setInt64(out: JsonOut, name: string, decimal: string): void {
  if (decimal !== '0') out[name] = decimal;
}

export function setBool(out: JsonOut, name: string, value: boolean): void {
  if (value) out[name] = true;
}

export function resourceJson(c: ResourceScopeColumns): JsonOut {
  const out: JsonOut = {};
  setAttributes(out, 'attributes', c.ResourceAttributes, c.ResourceAttributeTypes);
  setNumber(out, 'droppedAttributesCount', c.ResourceDroppedAttributesCount);
  return out;
}

export function scopeJson(c: ResourceScopeColumns): JsonOut {
  const out: JsonOut = {};
  setString(out, 'name', c.ScopeName);
  setString(out, 'version', c.ScopeVersion);
  setAttributes(out, 'attributes', c.ScopeAttributes, c.ScopeAttributeTypes);
  setNumber(out, 'droppedAttributesCount', c.ScopeDroppedAttributesCount);
  return out;
}

/** The resource_x -> scope_x envelope around items; columnsOf gives an item's resource and scope. */
export function envelopeJson<T>(
  groups: readonly ResourceGroup<T>[],
  columnsOf: (item: T) => ResourceScopeColumns,
  scopesName: string,
  itemsName: string,
  itemJson: (item: T) => JsonOut,
): JsonOut[] {
  return groups.map((group) => {
    const resource = columnsOf(group.first);
    const entry: JsonOut = { resource: resourceJson(resource) };
    entry[scopesName] = group.scopes.map((scope) => {
      const columns = columnsOf(scope.first);
      const scopeEntry: JsonOut = { scope: scopeJson(columns) };
      scopeEntry[itemsName] = scope.items.map(itemJson);
      setString(scopeEntry, 'schemaUrl', columns.ScopeSchemaUrl);
      return scopeEntry;
    });
    setString(entry, 'schemaUrl', resource.ResourceSchemaUrl);
    return entry;
  });
}
