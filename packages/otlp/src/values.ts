import type { AttributeTypes, AttributeValues, ValueType } from './model';

/**
 * A stored attribute value as plain JSON for the native API: string, number, boolean,
 * array or object; an int64 beyond +-2^53 stays a decimal string, bytes stay base64.
 */
export function attributeToJson(_value: string, _type: ValueType | undefined): unknown {
  throw new Error('not implemented');
}
export function attributesToJson(_values: AttributeValues, _types: AttributeTypes): Record<string, unknown> {
  throw new Error('not implemented');
}
