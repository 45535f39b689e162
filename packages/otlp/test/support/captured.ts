// Loads the payloads captured from the official exporters (testdata/capture.ts) and turns the
// ground truth (SDK-level values) into the stored form the model expects. The mapping is written
// here from the SDK's documented behaviour, not taken from the decoder.
import { readFileSync } from 'node:fs';
import type { AttributeTypes, AttributeValues, ValueType, WireFormat } from '../../src/model';

const TESTDATA = new URL('../../testdata/', import.meta.url);

export type Protocol = 'proto' | 'json' | 'grpc';
export const PROTOCOLS: Protocol[] = ['proto', 'json', 'grpc'];

export function capturedBody(signal: string, protocol: Protocol): { body: Uint8Array; format: WireFormat } {
  const file = `${signal}.${protocol}.${protocol === 'json' ? 'json' : 'bin'}`;
  return {
    body: new Uint8Array(readFileSync(new URL(file, TESTDATA))),
    format: protocol === 'json' ? 'json' : 'protobuf',
  };
}

export function truth<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(file, TESTDATA), 'utf8')) as T;
}

/** An SDK attribute value as ground truth records it: JSON, with bytes as {$bytes: base64}. */
export type TruthValue = string | number | boolean | null | TruthValue[] | { [key: string]: TruthValue };

function isBytes(v: TruthValue): v is { $bytes: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.$bytes === 'string';
}

/** The JS SDK sends an integral number inside the int64 range as int_value, any other number as double_value. */
function isSdkInt(n: number): boolean {
  return Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63;
}

/** OTLP/JSON AnyValue element, in the key order of the model's stored text. */
function element(v: TruthValue): unknown {
  if (v === null) return {};
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return isSdkInt(v) ? { intValue: BigInt(v).toString() } : { doubleValue: v };
  if (isBytes(v)) return { bytesValue: v.$bytes };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(element) } };
  return { kvlistValue: { values: Object.entries(v).map(([key, value]) => ({ key, value: element(value) })) } };
}

export function expectedValue(v: TruthValue): { stored: string; type: ValueType | '' } {
  if (v === null) return { stored: '', type: 'empty' };
  if (typeof v === 'string') return { stored: v, type: '' };
  if (typeof v === 'boolean') return { stored: String(v), type: 'bool' };
  if (typeof v === 'number')
    return isSdkInt(v) ? { stored: BigInt(v).toString(), type: 'int' } : { stored: String(v), type: 'double' };
  if (isBytes(v)) return { stored: v.$bytes, type: 'bytes' };
  if (Array.isArray(v)) return { stored: JSON.stringify(v.map(element)), type: 'array' };
  return {
    stored: JSON.stringify(Object.entries(v).map(([key, value]) => ({ key, value: element(value) }))),
    type: 'kvlist',
  };
}

export function expectedAttributes(attributes: Record<string, TruthValue>): {
  values: AttributeValues;
  types: AttributeTypes;
} {
  const values: AttributeValues = {};
  const types: AttributeTypes = {};
  for (const [key, v] of Object.entries(attributes)) {
    const { stored, type } = expectedValue(v);
    values[key] = stored;
    if (type !== '') types[key] = type;
  }
  return { values, types };
}
