// opentelemetry/proto/common/v1/common.proto and resource/v1/resource.proto.

import {
  arrayElement,
  boolElement,
  bytesElement,
  doubleElement,
  EMPTY_ELEMENT,
  intElement,
  keyValueElement,
  kvlistElement,
  MAX_ANYVALUE_DEPTH,
  stringElement,
} from '../../anyvalue-text';
import { type StoredType, setAttribute } from '../../attributes';
import { OtlpDecodeError } from '../../errors';
import type { AttributeTypes, AttributeValues } from '../../model';
import { int64ToDecimal } from '../../wire/int64';
import { I64, LEN, type ProtoReader, tagOf, VARINT } from '../../wire/proto-reader';
import type { DecodedResource, DecodedScope } from '../resource-scope';

/** Where readAnyValue leaves the type of the value it read. */
export interface ValueSlot {
  type: StoredType;
}

const STRING_VALUE = tagOf(1, LEN);
const BOOL_VALUE = tagOf(2, VARINT);
const INT_VALUE = tagOf(3, VARINT);
const DOUBLE_VALUE = tagOf(4, I64);
const ARRAY_VALUE = tagOf(5, LEN);
const KVLIST_VALUE = tagOf(6, LEN);
const BYTES_VALUE = tagOf(7, LEN);
const ANY_VALUE_FIELDS = 0b11111110;

const KEY = tagOf(1, LEN);
const VALUE = tagOf(2, LEN);
const KEY_VALUE_FIELDS = 0b110;
/** ArrayValue.values and KeyValueList.values */
const VALUES = tagOf(1, LEN);
const LIST_FIELDS = 0b10;

/** An AnyValue message in [r.pos, end) in its stored form (see AttributeValues); its type goes to slot. */
export function readAnyValue(r: ProtoReader, end: number, slot: ValueSlot, depth: number): string {
  let value = '';
  let type: StoredType = 'empty';
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case STRING_VALUE:
        value = r.string(end);
        type = '';
        break;
      case BOOL_VALUE:
        value = r.bool(end) ? 'true' : 'false';
        type = 'bool';
        break;
      case INT_VALUE:
        r.varint64(end);
        value = int64ToDecimal(r.hi, r.lo);
        type = 'int';
        break;
      case DOUBLE_VALUE:
        value = String(r.double(end));
        type = 'double';
        break;
      case ARRAY_VALUE:
        value = readArrayValues(r, r.len(end), depth + 1);
        type = 'array';
        break;
      case KVLIST_VALUE:
        value = readKeyValueList(r, r.len(end), depth + 1);
        type = 'kvlist';
        break;
      case BYTES_VALUE:
        value = r.base64(end);
        type = 'bytes';
        break;
      default:
        r.unexpected(tag, end, 'AnyValue', ANY_VALUE_FIELDS);
    }
  }
  slot.type = type;
  return value;
}

/** An AnyValue nested in an array or kvlist, as its OTLP/JSON text. */
function readAnyValueElement(r: ProtoReader, end: number, depth: number): string {
  let element = EMPTY_ELEMENT;
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case STRING_VALUE:
        element = stringElement(r.string(end));
        break;
      case BOOL_VALUE:
        element = boolElement(r.bool(end));
        break;
      case INT_VALUE:
        r.varint64(end);
        element = intElement(int64ToDecimal(r.hi, r.lo));
        break;
      case DOUBLE_VALUE:
        element = doubleElement(r.double(end));
        break;
      case ARRAY_VALUE:
        element = arrayElement(readArrayValues(r, r.len(end), depth + 1));
        break;
      case KVLIST_VALUE:
        element = kvlistElement(readKeyValueList(r, r.len(end), depth + 1));
        break;
      case BYTES_VALUE:
        element = bytesElement(r.base64(end));
        break;
      default:
        r.unexpected(tag, end, 'AnyValue', ANY_VALUE_FIELDS);
    }
  }
  return element;
}

function checkDepth(r: ProtoReader, depth: number): void {
  if (depth > MAX_ANYVALUE_DEPTH) {
    throw new OtlpDecodeError(`AnyValue nested deeper than ${MAX_ANYVALUE_DEPTH} levels at byte ${r.pos}`);
  }
}

/** ArrayValue as the JSON text of its values list. */
function readArrayValues(r: ProtoReader, end: number, depth: number): string {
  checkDepth(r, depth);
  let list = '[';
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === VALUES) {
      const stop = r.len(end);
      if (list.length > 1) list += ',';
      list += readAnyValueElement(r, stop, depth);
    } else {
      r.unexpected(tag, end, 'ArrayValue', LIST_FIELDS);
    }
  }
  return list + ']';
}

/** KeyValueList as the JSON text of its values list. */
function readKeyValueList(r: ProtoReader, end: number, depth: number): string {
  checkDepth(r, depth);
  let list = '[';
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag !== VALUES) {
      r.unexpected(tag, end, 'KeyValueList', LIST_FIELDS);
      continue;
    }
    const stop = r.len(end);
    let key = '';
    let value = EMPTY_ELEMENT;
    while (r.pos < stop) {
      const kvTag = r.uint32(stop);
      if (kvTag === KEY) key = r.string(stop);
      else if (kvTag === VALUE) value = readAnyValueElement(r, r.len(stop), depth);
      else r.unexpected(kvTag, stop, 'KeyValue', KEY_VALUE_FIELDS);
    }
    if (list.length > 1) list += ',';
    list += keyValueElement(key, value);
  }
  return list + ']';
}

/** One KeyValue message in [r.pos, end), added to the attribute maps. */
export function readKeyValue(
  r: ProtoReader,
  end: number,
  values: AttributeValues,
  types: AttributeTypes,
  slot: ValueSlot,
): void {
  let key = '';
  let value = '';
  let type: StoredType = 'empty';
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === KEY) {
      key = r.key(end);
    } else if (tag === VALUE) {
      value = readAnyValue(r, r.len(end), slot, 0);
      type = slot.type;
    } else {
      r.unexpected(tag, end, 'KeyValue', KEY_VALUE_FIELDS);
    }
  }
  setAttribute(values, types, key, value, type);
}

const RESOURCE_ATTRIBUTES = tagOf(1, LEN);
const RESOURCE_DROPPED = tagOf(2, VARINT);
const RESOURCE_FIELDS = 0b110; // entity_refs (3) is not stored: skipped like an unknown field

export function readResource(r: ProtoReader, end: number, slot: ValueSlot): DecodedResource {
  const resource: DecodedResource = { attributes: {}, types: {}, droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = r.uint32(end);
    if (tag === RESOURCE_ATTRIBUTES) readKeyValue(r, r.len(end), resource.attributes, resource.types, slot);
    else if (tag === RESOURCE_DROPPED) resource.droppedAttributesCount = r.uint32(end);
    else r.unexpected(tag, end, 'Resource', RESOURCE_FIELDS);
  }
  return resource;
}

const SCOPE_NAME = tagOf(1, LEN);
const SCOPE_VERSION = tagOf(2, LEN);
const SCOPE_ATTRIBUTES = tagOf(3, LEN);
const SCOPE_DROPPED = tagOf(4, VARINT);
const SCOPE_FIELDS = 0b11110;

export function readScope(r: ProtoReader, end: number, slot: ValueSlot): DecodedScope {
  const scope: DecodedScope = { name: '', version: '', attributes: {}, types: {}, droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = r.uint32(end);
    switch (tag) {
      case SCOPE_NAME:
        scope.name = r.string(end);
        break;
      case SCOPE_VERSION:
        scope.version = r.string(end);
        break;
      case SCOPE_ATTRIBUTES:
        readKeyValue(r, r.len(end), scope.attributes, scope.types, slot);
        break;
      case SCOPE_DROPPED:
        scope.droppedAttributesCount = r.uint32(end);
        break;
      default:
        r.unexpected(tag, end, 'InstrumentationScope', SCOPE_FIELDS);
    }
  }
  return scope;
}
