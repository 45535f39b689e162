import { OtlpDecodeError } from '../../errors';
import type { ResourceScopeColumns } from '../../model';
import { resourceScopeColumns } from '../resource-scope';
import { jsonResource, jsonScope, type ValueSlot } from './common';
import { asObject, getArray, getObject, getString, isObject, type JsonObject } from './fields';

/** Decodes one span, log record or metric, given its resource and scope. */
export type JsonItemReader = (item: JsonObject, path: string, columns: ResourceScopeColumns) => void;

/** The JSON names of one signal's envelope, camelCase then snake_case. */
export interface JsonEnvelopeNames {
  resources: [string, string];
  scopes: [string, string];
  items: [string, string];
}

const decoder = new TextDecoder();

/**
 * The request object of a JSON body. An empty body is not JSON, so it is malformed like any
 * other invalid JSON (unlike protobuf, where zero bytes encode an empty request).
 */
export function parseJsonBody(body: Uint8Array): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(body));
  } catch (error) {
    throw new OtlpDecodeError(`malformed JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new OtlpDecodeError('the JSON body is not an object');
  return parsed;
}

/** Walks the resource_x -> scope_x -> items envelope that all three signals share. */
export function readJsonEnvelope(
  root: JsonObject,
  names: JsonEnvelopeNames,
  slot: ValueSlot,
  readItem: JsonItemReader,
): void {
  const [resourcesKey, resourcesSnake] = names.resources;
  const resources = getArray(root, '$', resourcesKey, resourcesSnake);
  for (let i = 0; i < resources.length; i++) {
    const rPath = `$.${resourcesKey}[${i}]`;
    const entry = asObject(resources[i], rPath);
    const resource = jsonResource(getObject(entry, rPath, 'resource'), `${rPath}.resource`, slot);
    const resourceSchemaUrl = getString(entry, rPath, 'schemaUrl', 'schema_url');
    const scopes = getArray(entry, rPath, names.scopes[0], names.scopes[1]);
    for (let j = 0; j < scopes.length; j++) {
      const sPath = `${rPath}.${names.scopes[0]}[${j}]`;
      const scopeEntry = asObject(scopes[j], sPath);
      const scope = jsonScope(getObject(scopeEntry, sPath, 'scope'), `${sPath}.scope`, slot);
      const scopeSchemaUrl = getString(scopeEntry, sPath, 'schemaUrl', 'schema_url');
      const columns = resourceScopeColumns(resource, resourceSchemaUrl, scope, scopeSchemaUrl);
      const items = getArray(scopeEntry, sPath, names.items[0], names.items[1]);
      for (let k = 0; k < items.length; k++) {
        const path = `${sPath}.${names.items[0]}[${k}]`;
        readItem(asObject(items[k], path), path, columns);
      }
    }
  }
}
