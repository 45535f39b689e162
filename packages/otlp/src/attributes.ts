import type { AttributeTypes, AttributeValues, ValueType } from './model';

/** '' stands for a string value, which the sparse types map leaves out. */
export type StoredType = ValueType | '';

/** Sets one attribute; a later duplicate key wins, as in a map. */
export function setAttribute(
  values: AttributeValues,
  types: AttributeTypes,
  key: string,
  value: string,
  type: StoredType,
): void {
  if (key === '__proto__') {
    defineOwn(values, key, value);
    if (type === '') delete types[key];
    else defineOwn(types, key, type);
    return;
  }
  values[key] = value;
  if (type !== '') types[key] = type;
  else if (types[key] !== undefined && Object.hasOwn(types, key)) delete types[key];
}

/** The type of a stored attribute, undefined for a string; never an inherited property. */
export function attributeType(types: AttributeTypes, key: string): ValueType | undefined {
  return Object.hasOwn(types, key) ? types[key] : undefined;
}

function defineOwn(target: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
