/**
 * Just enough of the protobuf wire format to find fields in bytes someone else encoded:
 * where the ids and timestamps of a template payload sit, and what a server put in its
 * Export response or gRPC status details.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

export class WireError extends Error {
  override readonly name = 'WireError';
}

export interface Field {
  number: number;
  wireType: number;
  /** For LEN fields: where the payload starts and ends. For the others: the value's start. */
  start: number;
  end: number;
}

function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let shift = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new WireError('truncated varint');
    const b = buf[pos++];
    // Multiplication instead of shifts keeps values past 2^31 exact (up to 2^53).
    value += (b & 0x7f) * shift;
    if ((b & 0x80) === 0) return [value, pos];
    shift *= 128;
  }
  throw new WireError('varint too long');
}

/** The fields of one message between `start` and `end`, in wire order. */
export function* fields(buf: Uint8Array, start = 0, end = buf.length): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const [tag, afterTag] = readVarint(buf, pos);
    const number = Math.floor(tag / 8);
    const wireType = tag & 7;
    pos = afterTag;
    switch (wireType) {
      case WIRE_VARINT: {
        const [, next] = readVarint(buf, pos);
        yield { number, wireType, start: pos, end: next };
        pos = next;
        break;
      }
      case WIRE_FIXED64:
        yield { number, wireType, start: pos, end: pos + 8 };
        pos += 8;
        break;
      case WIRE_FIXED32:
        yield { number, wireType, start: pos, end: pos + 4 };
        pos += 4;
        break;
      case WIRE_LEN: {
        const [length, next] = readVarint(buf, pos);
        yield { number, wireType, start: next, end: next + length };
        pos = next + length;
        break;
      }
      default:
        throw new WireError(`unsupported wire type ${wireType} at ${pos}`);
    }
    if (pos > end) throw new WireError('field runs past the end of its message');
  }
}

export function varintValue(buf: Uint8Array, field: Field): number {
  return readVarint(buf, field.start)[0];
}

export function stringValue(buf: Uint8Array, field: Field): string {
  return Buffer.from(buf.buffer, buf.byteOffset + field.start, field.end - field.start).toString('utf8');
}

/** A fixed64 as two little-endian 32-bit halves, combined exactly when below 2^53. */
export function fixed64Value(buf: Uint8Array, at: number): bigint {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return view.getBigUint64(at, true);
}
