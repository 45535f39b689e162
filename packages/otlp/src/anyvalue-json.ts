import { attributeType } from './attributes';
import type { AttributeTypes, AttributeValues, ValueType } from './model';

/** An OTLP/JSON AnyValue as the encoders write it (one member set, or none for an empty value). */
export interface AnyValueJson {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number | string;
  bytesValue?: string;
  arrayValue?: { values: AnyValueJson[] };
  kvlistValue?: { values: KeyValueJson[] };
}

export interface KeyValueJson {
  key: string;
  value: AnyValueJson;
}

/** A double as proto3 JSON writes it: a number, or "NaN" / "Infinity" / "-Infinity". */
export function jsonDouble(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** A stored attribute value (see AttributeValues) as an OTLP/JSON AnyValue. */
export function storedToAnyValue(stored: string, type: ValueType | '' | undefined): AnyValueJson {
  switch (type) {
    case undefined:
    case '':
      return { stringValue: stored };
    case 'bool':
      return { boolValue: stored === 'true' };
    case 'int':
      return { intValue: stored };
    case 'double':
      return { doubleValue: jsonDouble(Number(stored)) };
    case 'bytes':
      return { bytesValue: stored };
    case 'array': {
      const values = parseStoredList(stored);
      return values === null ? { stringValue: stored } : { arrayValue: { values: values as AnyValueJson[] } };
    }
    case 'kvlist': {
      const values = parseStoredList(stored);
      return values === null ? { stringValue: stored } : { kvlistValue: { values: values as KeyValueJson[] } };
    }
    default:
      return {};
  }
}

/** The values list of a stored array or kvlist; null when the text is not a JSON array (never from a decoder). */
export function parseStoredList(stored: string): unknown[] | null {
  try {
    const parsed: unknown = JSON.parse(stored);
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function attributesToKeyValues(values: AttributeValues, types: AttributeTypes): KeyValueJson[] {
  const list: KeyValueJson[] = [];
  for (const key of Object.keys(values)) {
    list.push({ key, value: storedToAnyValue(values[key], attributeType(types, key)) });
  }
  return list;
}
