// The stored text of array and kvlist values: OTLP/JSON of the `values` list, written the same
// way by both decoders so that equal values are stored as equal strings.

/** Arrays and kvlists nested deeper than this are refused (a hostile payload could otherwise recurse without bound). */
export const MAX_ANYVALUE_DEPTH = 32;

export const EMPTY_ELEMENT = '{}';

export function stringElement(value: string): string {
  return '{"stringValue":' + JSON.stringify(value) + '}';
}

export function boolElement(value: boolean): string {
  return value ? '{"boolValue":true}' : '{"boolValue":false}';
}

export function intElement(decimal: string): string {
  return '{"intValue":"' + decimal + '"}';
}

/** proto3 JSON writes non-finite doubles as the strings "NaN", "Infinity", "-Infinity". */
export function doubleElement(value: number): string {
  return Number.isFinite(value) ? '{"doubleValue":' + JSON.stringify(value) + '}' : '{"doubleValue":"' + value + '"}';
}

export function bytesElement(base64: string): string {
  return '{"bytesValue":"' + base64 + '"}';
}

export function arrayElement(valuesList: string): string {
  return '{"arrayValue":{"values":' + valuesList + '}}';
}

export function kvlistElement(valuesList: string): string {
  return '{"kvlistValue":{"values":' + valuesList + '}}';
}

export function keyValueElement(key: string, valueElement: string): string {
  return '{"key":' + JSON.stringify(key) + ',"value":' + valueElement + '}';
}

/** An AnyValue's element text from its stored form (see AttributeValues) and type. */
export function elementFromStored(stored: string, type: string): string {
  switch (type) {
    case '':
      return stringElement(stored);
    case 'bool':
      return boolElement(stored === 'true');
    case 'int':
      return intElement(stored);
    case 'double':
      return doubleElement(Number(stored));
    case 'bytes':
      return bytesElement(stored);
    case 'array':
      return arrayElement(stored);
    case 'kvlist':
      return kvlistElement(stored);
    default:
      return EMPTY_ELEMENT;
  }
}
