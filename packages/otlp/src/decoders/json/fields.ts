// Typed reads of OTLP/JSON fields. Per the protobuf JSON mapping a field may be spelled in
// lowerCamelCase or as in the .proto (snake_case), null means absent, 64-bit integers come as
// strings or numbers, enums as numbers or names. A value of the wrong JSON type is a decode
// error that names its JSON path.
import { OtlpDecodeError } from '../../errors';
import { jsonIdToHex } from '../../wire/bytes';
import { integerNumberToDecimal, normaliseDecimal } from '../../wire/int64';

export type JsonObject = Record<string, unknown>;

export function fail(path: string, problem: string): never {
  throw new OtlpDecodeError(`${path}: ${problem}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

function expected(path: string, what: string, value: unknown): never {
  return fail(path, `expected ${what}, got ${describe(value)}`);
}

/** The field's value, undefined when absent or null. */
export function field(obj: JsonObject, camel: string, snake?: string): unknown {
  let value = obj[camel];
  if (value === undefined && snake !== undefined) value = obj[snake];
  return value === null ? undefined : value;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) return expected(path, 'an object', value);
  return value;
}

export function getObject(obj: JsonObject, path: string, camel: string, snake?: string): JsonObject | undefined {
  const value = field(obj, camel, snake);
  if (value === undefined) return undefined;
  return asObject(value, `${path}.${camel}`);
}

export function getArray(obj: JsonObject, path: string, camel: string, snake?: string): readonly unknown[] {
  const value = field(obj, camel, snake);
  if (value === undefined) return EMPTY;
  if (!Array.isArray(value)) return expected(`${path}.${camel}`, 'an array', value);
  return value;
}
const EMPTY: readonly unknown[] = [];

export function getString(obj: JsonObject, path: string, camel: string, snake?: string): string {
  const value = field(obj, camel, snake);
  if (value === undefined) return '';
  if (typeof value !== 'string') return expected(`${path}.${camel}`, 'a string', value);
  return value;
}

export function getBool(obj: JsonObject, path: string, camel: string, snake?: string): boolean {
  const value = field(obj, camel, snake);
  if (value === undefined) return false;
  if (typeof value !== 'boolean') return expected(`${path}.${camel}`, 'a boolean', value);
  return value;
}

/** uint32 / fixed32 (counts, flags). */
export function getUint32(obj: JsonObject, path: string, camel: string, snake?: string): number {
  const value = field(obj, camel, snake);
  if (value === undefined) return 0;
  const n = toInteger(value);
  if (n === null || n < 0 || n > 0xffffffff) return expected(`${path}.${camel}`, 'a uint32', value);
  return n;
}

/** int32 / sint32 (scale, bucket offsets). */
export function getInt32(obj: JsonObject, path: string, camel: string, snake?: string): number {
  const value = field(obj, camel, snake);
  if (value === undefined) return 0;
  const n = toInteger(value);
  if (n === null || n < -0x80000000 || n > 0x7fffffff) return expected(`${path}.${camel}`, 'an int32', value);
  return n;
}

function toInteger(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  if (typeof value === 'string') {
    const decimal = normaliseDecimal(value, true);
    return decimal === null || decimal.length > 11 ? null : Number(decimal);
  }
  return null;
}

/** fixed64 / uint64 as a decimal string; '0' when absent. */
export function getUint64(obj: JsonObject, path: string, camel: string, snake?: string): string {
  const value = field(obj, camel, snake);
  return value === undefined ? '0' : toUint64(value, `${path}.${camel}`);
}

export function toUint64(value: unknown, path: string): string {
  const decimal =
    typeof value === 'string'
      ? normaliseDecimal(value, false)
      : typeof value === 'number'
        ? integerNumberToDecimal(value, false)
        : null;
  if (decimal === null) return expected(path, 'a uint64 (decimal string or integer)', value);
  return decimal;
}

/** int64 / sfixed64 as a decimal string; null when absent. */
export function getInt64(obj: JsonObject, path: string, camel: string, snake?: string): string | null {
  const value = field(obj, camel, snake);
  return value === undefined ? null : toInt64(value, `${path}.${camel}`);
}

export function toInt64(value: unknown, path: string): string {
  const decimal =
    typeof value === 'string'
      ? normaliseDecimal(value, true)
      : typeof value === 'number'
        ? integerNumberToDecimal(value, true)
        : null;
  if (decimal === null) return expected(path, 'an int64 (decimal string or integer)', value);
  return decimal;
}

const FLOAT_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** double; null when absent. */
export function getDouble(obj: JsonObject, path: string, camel: string, snake?: string): number | null {
  const value = field(obj, camel, snake);
  return value === undefined ? null : toDouble(value, `${path}.${camel}`);
}

export function toDouble(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    if (FLOAT_TEXT.test(value)) return Number(value);
  }
  return expected(path, 'a double', value);
}

/** An enum given as its number or its name (e.g. "SPAN_KIND_SERVER"). */
export function getEnum(
  obj: JsonObject,
  path: string,
  camel: string,
  snake: string | undefined,
  names: ReadonlyMap<string, number>,
): number {
  const value = field(obj, camel, snake);
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff) {
    return value;
  }
  if (typeof value === 'string') {
    const n = names.get(value);
    if (n !== undefined) return n;
    const decimal = normaliseDecimal(value, true);
    if (decimal !== null && decimal.length <= 10) return Number(decimal) | 0;
  }
  return expected(`${path}.${camel}`, `an enum number or one of ${[...names.keys()].join(', ')}`, value);
}

/** A trace or span id as hex: '' when absent, null when not valid hex or base64 (see jsonIdToHex). */
export function getId(obj: JsonObject, path: string, camel: string, snake: string, size: number): string | null {
  const value = field(obj, camel, snake);
  if (value === undefined) return '';
  if (typeof value !== 'string') return expected(`${path}.${camel}`, 'a hex string', value);
  return value === '' ? '' : jsonIdToHex(value, size);
}

/** Enum name -> number, for names that follow the NAME_PREFIX_SUFFIX pattern of the .proto. */
export function enumNames(prefix: string, suffixes: readonly string[]): ReadonlyMap<string, number> {
  return new Map(suffixes.map((suffix, i) => [prefix + suffix, i]));
}
