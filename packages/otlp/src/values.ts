import type { AnyValueJson, KeyValueJson } from './anyvalue-json';
import { parseStoredList } from './anyvalue-json';
import { attributeType } from './attributes';
import type { AttributeTypes, AttributeValues, ValueType } from './model';

/**
 * A stored attribute value as plain JSON for the native API: string, number, boolean, array or
 * object; an int64 beyond +-2^53 stays a decimal string, bytes stay base64, a non-finite double
 * is the string "NaN", "Infinity" or "-Infinity", an empty value is null.
 */
export function attributeToJson(value: string, type: ValueType | undefined): unknown {
  switch (type) {
    case undefined:
      return value;
    case 'bool':
      return value === 'true';
    case 'int':
      return intToJson(value);
    case 'double':
      return doubleToJson(Number(value));
    case 'bytes':
      return value;
    case 'array': {
      const values = parseStoredList(value);
      return values === null ? value : (values as AnyValueJson[]).map(anyValueToJson);
    }
    case 'kvlist': {
      const values = parseStoredList(value);
      return values === null ? value : keyValuesToJson(values as KeyValueJson[]);
    }
    case 'empty':
      return null;
    default:
      return value;
  }
}

export function attributesToJson(values: AttributeValues, types: AttributeTypes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(values)) defineOwn(out, key, attributeToJson(values[key], attributeType(types, key)));
  return out;
}

function intToJson(decimal: string): number | string {
  const n = Number(decimal);
  return Number.isSafeInteger(n) ? n : decimal;
}

function doubleToJson(n: number): number | string {
  return Number.isFinite(n) ? n : String(n);
}

function anyValueToJson(v: AnyValueJson): unknown {
  if (v === null || typeof v !== 'object') return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return intToJson(String(v.intValue));
  if (v.doubleValue !== undefined) return doubleToJson(Number(v.doubleValue));
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(anyValueToJson);
  if (v.kvlistValue !== undefined) return keyValuesToJson(v.kvlistValue.values ?? []);
  return null;
}

function keyValuesToJson(list: readonly KeyValueJson[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list) defineOwn(out, kv.key, anyValueToJson(kv.value));
  return out;
}

/** Plain assignment would turn a "__proto__" key into a prototype change. */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
