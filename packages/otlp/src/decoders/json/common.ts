// OTLP/JSON of opentelemetry/proto/common/v1/common.proto and resource/v1/resource.proto.

import { elementFromStored, keyValueElement, MAX_ANYVALUE_DEPTH } from '../../anyvalue-text';
import { type StoredType, setAttribute } from '../../attributes';
import type { AttributeTypes, AttributeValues } from '../../model';
import { normaliseBase64 } from '../../wire/bytes';
import type { DecodedResource, DecodedScope } from '../resource-scope';
import { asObject, fail, field, getArray, getString, getUint32, type JsonObject, toDouble, toInt64 } from './fields';

/** Where jsonAnyValue leaves the type of the value it read. */
export interface ValueSlot {
  type: StoredType;
}

/** An OTLP/JSON AnyValue in its stored form (see AttributeValues); its type goes to slot. */
export function jsonAnyValue(value: unknown, path: string, slot: ValueSlot, depth: number): string {
  slot.type = 'empty';
  if (value === undefined || value === null) return '';
  const v = asObject(value, path);
  let x = field(v, 'stringValue', 'string_value');
  if (x !== undefined) {
    if (typeof x !== 'string') fail(`${path}.stringValue`, 'expected a string');
    slot.type = '';
    return x;
  }
  x = field(v, 'boolValue', 'bool_value');
  if (x !== undefined) {
    if (typeof x !== 'boolean') fail(`${path}.boolValue`, 'expected a boolean');
    slot.type = 'bool';
    return x ? 'true' : 'false';
  }
  x = field(v, 'intValue', 'int_value');
  if (x !== undefined) {
    // The OpenTelemetry JS JSON exporter writes any integral number as intValue, 1.5e300
    // included (its protobuf exporter sends a double); keep such a value as the double it is.
    if (typeof x === 'number' && Number.isInteger(x) && (x < -(2 ** 63) || x >= 2 ** 63)) {
      slot.type = 'double';
      return String(x);
    }
    const decimal = toInt64(x, `${path}.intValue`);
    slot.type = 'int';
    return decimal;
  }
  x = field(v, 'doubleValue', 'double_value');
  if (x !== undefined) {
    const double = toDouble(x, `${path}.doubleValue`);
    slot.type = 'double';
    return String(double);
  }
  x = field(v, 'bytesValue', 'bytes_value');
  if (x !== undefined) {
    const base64 = typeof x === 'string' ? normaliseBase64(x) : null;
    if (base64 === null) fail(`${path}.bytesValue`, 'expected a base64 string');
    slot.type = 'bytes';
    return base64;
  }
  x = field(v, 'arrayValue', 'array_value');
  if (x !== undefined) {
    const list = jsonArrayValues(asObject(x, `${path}.arrayValue`), `${path}.arrayValue`, slot, depth + 1);
    slot.type = 'array';
    return list;
  }
  x = field(v, 'kvlistValue', 'kvlist_value');
  if (x !== undefined) {
    const list = jsonKeyValueList(asObject(x, `${path}.kvlistValue`), `${path}.kvlistValue`, slot, depth + 1);
    slot.type = 'kvlist';
    return list;
  }
  return '';
}

function checkDepth(path: string, depth: number): void {
  if (depth > MAX_ANYVALUE_DEPTH) fail(path, `AnyValue nested deeper than ${MAX_ANYVALUE_DEPTH} levels`);
}

function jsonArrayValues(array: JsonObject, path: string, slot: ValueSlot, depth: number): string {
  checkDepth(path, depth);
  const values = getArray(array, path, 'values');
  let list = '[';
  for (let i = 0; i < values.length; i++) {
    const stored = jsonAnyValue(values[i], `${path}.values[${i}]`, slot, depth);
    if (i > 0) list += ',';
    list += elementFromStored(stored, slot.type);
  }
  return list + ']';
}

function jsonKeyValueList(kvlist: JsonObject, path: string, slot: ValueSlot, depth: number): string {
  checkDepth(path, depth);
  const values = getArray(kvlist, path, 'values');
  let list = '[';
  for (let i = 0; i < values.length; i++) {
    const itemPath = `${path}.values[${i}]`;
    const kv = asObject(values[i], itemPath);
    const key = getString(kv, itemPath, 'key');
    const stored = jsonAnyValue(field(kv, 'value'), `${itemPath}.value`, slot, depth);
    if (i > 0) list += ',';
    list += keyValueElement(key, elementFromStored(stored, slot.type));
  }
  return list + ']';
}

/** A repeated KeyValue field, added to the attribute maps. */
export function jsonAttributes(
  obj: JsonObject,
  path: string,
  camel: string,
  snake: string | undefined,
  values: AttributeValues,
  types: AttributeTypes,
  slot: ValueSlot,
): void {
  const list = getArray(obj, path, camel, snake);
  for (let i = 0; i < list.length; i++) {
    const kv = asObject(list[i], `${path}.${camel}[${i}]`);
    const key = field(kv, 'key') ?? '';
    if (typeof key !== 'string') fail(`${path}.${camel}[${i}].key`, 'expected a string');
    const value = jsonAnyValue(field(kv, 'value'), `${path}.${camel}[${i}].value`, slot, 0);
    setAttribute(values, types, key, value, slot.type);
  }
}

export function jsonResource(obj: JsonObject | undefined, path: string, slot: ValueSlot): DecodedResource {
  const resource: DecodedResource = { attributes: {}, types: {}, droppedAttributesCount: 0 };
  if (obj === undefined) return resource;
  jsonAttributes(obj, path, 'attributes', undefined, resource.attributes, resource.types, slot);
  resource.droppedAttributesCount = getUint32(obj, path, 'droppedAttributesCount', 'dropped_attributes_count');
  return resource;
}

export function jsonScope(obj: JsonObject | undefined, path: string, slot: ValueSlot): DecodedScope {
  const scope: DecodedScope = { name: '', version: '', attributes: {}, types: {}, droppedAttributesCount: 0 };
  if (obj === undefined) return scope;
  scope.name = getString(obj, path, 'name');
  scope.version = getString(obj, path, 'version');
  jsonAttributes(obj, path, 'attributes', undefined, scope.attributes, scope.types, slot);
  scope.droppedAttributesCount = getUint32(obj, path, 'droppedAttributesCount', 'dropped_attributes_count');
  return scope;
}
