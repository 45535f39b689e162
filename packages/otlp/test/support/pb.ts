// Hand-assembled protobuf for wire-level tests: every byte is explicit, nothing shared with the
// package's writer.

export type Bytes = number[];

export function varint(value: bigint | number): Bytes {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: Bytes = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export function tag(field: number, wireType: number): Bytes {
  return varint((field << 3) | wireType);
}

export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const SGROUP = 3;
export const EGROUP = 4;
export const I32 = 5;

export function fVarint(field: number, value: bigint | number): Bytes {
  return [...tag(field, VARINT), ...varint(value)];
}

export function fLen(field: number, ...payload: Bytes[]): Bytes {
  const body = payload.flat();
  return [...tag(field, LEN), ...varint(body.length), ...body];
}

export function fString(field: number, text: string): Bytes {
  return fLen(field, [...Buffer.from(text, 'utf8')]);
}

export function fBytes(field: number, hex: string): Bytes {
  return fLen(field, [...Buffer.from(hex, 'hex')]);
}

export function fixed64(value: bigint | number): Bytes {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(value)));
  return [...b];
}

export function fFixed64(field: number, value: bigint | number): Bytes {
  return [...tag(field, I64), ...fixed64(value)];
}

export function fDouble(field: number, value: number): Bytes {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return [...tag(field, I64), ...b];
}

export function fFixed32(field: number, value: number): Bytes {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return [...tag(field, I32), ...b];
}

/** One field of every wire type with a number no OTLP message uses. */
export const UNKNOWN_FIELDS: Bytes = [
  ...fVarint(900, 2n ** 64n - 1n),
  ...fFixed64(901, 7),
  ...fLen(902, [1, 2, 3]),
  ...fFixed32(903, 9),
  ...tag(904, SGROUP),
  ...fVarint(1, 5),
  ...tag(905, SGROUP),
  ...tag(905, EGROUP),
  ...tag(904, EGROUP),
];

export function bytes(...parts: Bytes[]): Uint8Array {
  return Uint8Array.from(parts.flat());
}

// OTLP builders (field numbers from opentelemetry-proto).

/** A KeyValue message body: wrap it in fLen(attributesField, ...). */
export const kv = (key: string, anyValue: Bytes) => [...fString(1, key), ...fLen(2, anyValue)];
export const str = (s: string) => fString(1, s);
export const int = (v: bigint | number) => fVarint(3, v);

/** ExportTraceServiceRequest with one resource, one scope, and the given Span payloads. */
export function tracesRequest(spans: Bytes[], resource: Bytes = [], scope: Bytes = []): Uint8Array {
  return bytes(fLen(1, fLen(1, resource), fLen(2, fLen(1, scope), ...spans.map((s) => fLen(2, s)))));
}

export function span(traceId: string, spanId: string, ...fields: Bytes[]): Bytes {
  return [...fBytes(1, traceId), ...fBytes(2, spanId), ...fields.flat()];
}

export const TRACE_ID = '5b8efff798038103d269b633813fc60c';
export const SPAN_ID = 'eee19b7ec3c1b174';
