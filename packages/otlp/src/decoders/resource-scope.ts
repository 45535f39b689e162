import type { AttributeTypes, AttributeValues, ResourceScopeColumns } from '../model';

export const UNKNOWN_SERVICE = 'unknown_service';

export interface DecodedResource {
  attributes: AttributeValues;
  types: AttributeTypes;
  droppedAttributesCount: number;
}

export interface DecodedScope extends DecodedResource {
  name: string;
  version: string;
}

export function emptyResource(): DecodedResource {
  return { attributes: {}, types: {}, droppedAttributesCount: 0 };
}

export function emptyScope(): DecodedScope {
  return { name: '', version: '', attributes: {}, types: {}, droppedAttributesCount: 0 };
}

/**
 * The columns every record of one resource and scope carries. Records share these attribute
 * objects rather than copying them per record (the hot path); treat them as read-only.
 */
export function resourceScopeColumns(
  resource: DecodedResource,
  resourceSchemaUrl: string,
  scope: DecodedScope,
  scopeSchemaUrl: string,
): ResourceScopeColumns {
  return {
    ServiceName: serviceName(resource),
    ResourceAttributes: resource.attributes,
    ResourceAttributeTypes: resource.types,
    ResourceDroppedAttributesCount: resource.droppedAttributesCount,
    ResourceSchemaUrl: resourceSchemaUrl,
    ScopeName: scope.name,
    ScopeVersion: scope.version,
    ScopeAttributes: scope.attributes,
    ScopeAttributeTypes: scope.types,
    ScopeDroppedAttributesCount: scope.droppedAttributesCount,
    ScopeSchemaUrl: scopeSchemaUrl,
  };
}

function serviceName(resource: DecodedResource): string {
  const { attributes, types } = resource;
  if (!Object.hasOwn(attributes, 'service.name') || Object.hasOwn(types, 'service.name')) return UNKNOWN_SERVICE;
  return attributes['service.name'] || UNKNOWN_SERVICE;
}
