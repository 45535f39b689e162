import { type AnyValueJson, type KeyValueJson, parseStoredList } from '../../anyvalue-json';
import { attributeType } from '../../attributes';
import type { AttributeTypes, AttributeValues, ResourceScopeColumns, ValueType } from '../../model';
import { I64, LEN, VARINT } from '../../wire/proto-reader';
import { hiLo, type ProtoWriter } from '../../wire/proto-writer';
import type { ResourceGroup } from '../grouping';

/** An AnyValue's fields (without its own tag and length) from a stored attribute value. */
function writeAnyValueFields(w: ProtoWriter, stored: string, type: ValueType | '' | undefined): void {
  switch (type) {
    case undefined:
    case '':
      w.tag(1, LEN);
      w.string(stored);
      return;
    case 'bool':
      w.tag(2, VARINT);
      w.uint32(stored === 'true' ? 1 : 0);
      return;
    case 'int': {
      const [hi, lo] = hiLo(stored);
      w.tag(3, VARINT);
      w.varint64(hi, lo);
      return;
    }
    case 'double':
      w.doubleAlways(4, Number(stored));
      return;
    case 'bytes':
      w.tag(7, LEN);
      w.bytes(Buffer.from(stored, 'base64'));
      return;
    case 'array':
    case 'kvlist': {
      const values = parseStoredList(stored);
      if (values === null) {
        writeAnyValueFields(w, stored, '');
        return;
      }
      const at = w.begin(type === 'array' ? 5 : 6);
      if (type === 'array') for (const v of values as AnyValueJson[]) writeNestedAnyValue(w, 1, v);
      else for (const kv of values as KeyValueJson[]) writeNestedKeyValue(w, 1, kv);
      w.end(at);
      return;
    }
    default:
      return;
  }
}

/** An AnyValue nested in an array or kvlist, from its OTLP/JSON form. */
function writeNestedAnyValue(w: ProtoWriter, field: number, v: AnyValueJson): void {
  const at = w.begin(field);
  if (v.stringValue !== undefined) {
    w.tag(1, LEN);
    w.string(v.stringValue);
  } else if (v.boolValue !== undefined) {
    w.tag(2, VARINT);
    w.uint32(v.boolValue ? 1 : 0);
  } else if (v.intValue !== undefined) {
    const [hi, lo] = hiLo(String(v.intValue));
    w.tag(3, VARINT);
    w.varint64(hi, lo);
  } else if (v.doubleValue !== undefined) {
    w.tag(4, I64);
    w.double(Number(v.doubleValue));
  } else if (v.bytesValue !== undefined) {
    w.tag(7, LEN);
    w.bytes(Buffer.from(v.bytesValue, 'base64'));
  } else if (v.arrayValue !== undefined) {
    const list = w.begin(5);
    for (const item of v.arrayValue.values ?? []) writeNestedAnyValue(w, 1, item);
    w.end(list);
  } else if (v.kvlistValue !== undefined) {
    const list = w.begin(6);
    for (const kv of v.kvlistValue.values ?? []) writeNestedKeyValue(w, 1, kv);
    w.end(list);
  }
  w.end(at);
}

function writeNestedKeyValue(w: ProtoWriter, field: number, kv: KeyValueJson): void {
  const at = w.begin(field);
  w.stringField(1, kv.key);
  writeNestedAnyValue(w, 2, kv.value ?? {});
  w.end(at);
}

/** An AnyValue message field from a stored value (the log body). */
export function writeAnyValue(w: ProtoWriter, field: number, stored: string, type: ValueType | ''): void {
  const at = w.begin(field);
  writeAnyValueFields(w, stored, type);
  w.end(at);
}

/** A repeated KeyValue field. */
export function writeAttributes(w: ProtoWriter, field: number, values: AttributeValues, types: AttributeTypes): void {
  for (const key of Object.keys(values)) {
    const kv = w.begin(field);
    w.stringField(1, key);
    const value = w.begin(2);
    writeAnyValueFields(w, values[key], attributeType(types, key));
    w.end(value);
    w.end(kv);
  }
}

function writeResource(w: ProtoWriter, c: ResourceScopeColumns): void {
  const at = w.begin(1);
  writeAttributes(w, 1, c.ResourceAttributes, c.ResourceAttributeTypes);
  w.uint32Field(2, c.ResourceDroppedAttributesCount);
  w.end(at);
}

function writeScope(w: ProtoWriter, c: ResourceScopeColumns): void {
  const at = w.begin(1);
  w.stringField(1, c.ScopeName);
  w.stringField(2, c.ScopeVersion);
  writeAttributes(w, 3, c.ScopeAttributes, c.ScopeAttributeTypes);
  w.uint32Field(4, c.ScopeDroppedAttributesCount);
  w.end(at);
}

/** The resource_x (1) -> { resource (1), scope_x (2) -> { scope (1), items (2), schema_url (3) }, schema_url (3) } envelope. */
export function writeEnvelope<T>(
  w: ProtoWriter,
  groups: readonly ResourceGroup<T>[],
  columnsOf: (item: T) => ResourceScopeColumns,
  writeItem: (w: ProtoWriter, item: T) => void,
): void {
  for (const group of groups) {
    const resource = columnsOf(group.first);
    const entry = w.begin(1);
    writeResource(w, resource);
    for (const scope of group.scopes) {
      const columns = columnsOf(scope.first);
      const scopeEntry = w.begin(2);
      writeScope(w, columns);
      for (const item of scope.items) {
        const at = w.begin(2);
        writeItem(w, item);
        w.end(at);
      }
      w.stringField(3, columns.ScopeSchemaUrl);
      w.end(scopeEntry);
    }
    w.stringField(3, resource.ResourceSchemaUrl);
    w.end(entry);
  }
}
