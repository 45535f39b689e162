import { OtlpDecodeError } from '../errors';
import { bytesToBase64 } from './bytes';

export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const SGROUP = 3;
export const EGROUP = 4;
export const I32 = 5;

const WIRE_TYPE_NAMES = ['VARINT', 'I64', 'LEN', 'SGROUP', 'EGROUP', 'I32', '6', '7'];
const MAX_GROUP_DEPTH = 32;

// Attribute keys repeat across spans and requests. Serving them from a small cache, keyed by
// their bytes, skips decoding them again and hands V8 a string it has already hashed for
// property access (most of the cost of building the attribute maps).
const KEY_CACHE_SIZE = 4096;
const KEY_CACHE_MAX_BYTES = 64;
const keyCacheBytes: (Uint8Array | undefined)[] = new Array(KEY_CACHE_SIZE).fill(undefined);
const keyCacheStrings: string[] = new Array(KEY_CACHE_SIZE).fill('');

/**
 * Buffer's own UTF-8 and hex slicers (what buf.toString('utf8' | 'hex', start, end) calls
 * after its argument checks); invalid UTF-8 sequences become U+FFFD. Not in @types/node.
 */
type Utf8Buffer = Buffer & {
  utf8Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
};

/** Tag of a field: what a decoder switches on, so a wrong wire type falls through to `unexpected`. */
export function tagOf(field: number, wireType: number): number {
  return (field << 3) | wireType;
}

/**
 * A cursor over protobuf bytes. Every read is bounded by `end`, the end of the enclosing
 * message, so a corrupt length can never read past its parent; every failure is an
 * OtlpDecodeError naming the byte offset.
 */
export class ProtoReader {
  readonly buf: Uint8Array;
  pos = 0;
  /** Halves of the last 64-bit value read by varint64/fixed64. */
  hi = 0;
  lo = 0;
  private readonly text: Utf8Buffer;
  private readonly view: DataView;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength) as Utf8Buffer;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** A varint truncated to its low 32 bits, unsigned (uint32 fields, tags, lengths, enums). */
  uint32(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= end) this.truncated('varint', pos);
    let b = buf[pos++];
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let value = b & 0x7f;
    for (let shift = 7; shift < 35; shift += 7) {
      if (pos >= end) this.truncated('varint', pos);
      b = buf[pos++];
      value |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    // Bits past 32 (e.g. a negative int32 sign-extended to 10 bytes) are dropped.
    for (let i = 5; i < 10; i++) {
      if (pos >= end) this.truncated('varint', pos);
      if (buf[pos++] < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    throw new OtlpDecodeError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** A varint as int32 (enum and int32 fields may be negative). */
  int32(end: number): number {
    return this.uint32(end) | 0;
  }

  sint32(end: number): number {
    const n = this.uint32(end);
    return (n >>> 1) ^ -(n & 1);
  }

  bool(end: number): boolean {
    this.varint64(end);
    return this.lo !== 0 || this.hi !== 0;
  }

  /** A full 64-bit varint into (hi, lo). */
  varint64(end: number): void {
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) this.truncated('varint', pos);
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    if (pos >= end) this.truncated('varint', pos);
    b = buf[pos++];
    lo |= (b & 0x7f) << 28;
    hi = (b & 0x7f) >>> 4;
    if (b >= 0x80) {
      for (let shift = 3; ; shift += 7) {
        if (shift > 31) throw new OtlpDecodeError(`varint longer than 10 bytes at byte ${start}`);
        if (pos >= end) this.truncated('varint', pos);
        b = buf[pos++];
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.pos = pos;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  fixed32(end: number): number {
    const pos = this.pos;
    if (end - pos < 4) this.truncated('fixed32', pos);
    this.pos = pos + 4;
    return this.view.getUint32(pos, true);
  }

  /** A fixed64 into (hi, lo). */
  fixed64(end: number): void {
    const pos = this.pos;
    if (end - pos < 8) this.truncated('fixed64', pos);
    this.pos = pos + 8;
    this.lo = this.view.getUint32(pos, true);
    this.hi = this.view.getUint32(pos + 4, true);
  }

  double(end: number): number {
    const pos = this.pos;
    if (end - pos < 8) this.truncated('double', pos);
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** Reads a length prefix and returns the end offset of the length-delimited payload. */
  len(end: number): number {
    const at = this.pos;
    const n = this.uint32(end);
    if (n > end - this.pos) {
      throw new OtlpDecodeError(`length ${n} at byte ${at} runs past the end of its enclosing message (byte ${end})`);
    }
    return this.pos + n;
  }

  string(end: number): string {
    const stop = this.len(end);
    const start = this.pos;
    this.pos = stop;
    return stop === start ? '' : this.text.utf8Slice(start, stop);
  }

  /** A string that is likely to repeat (an attribute key): see the key cache above. */
  key(end: number): string {
    const stop = this.len(end);
    const start = this.pos;
    this.pos = stop;
    const n = stop - start;
    if (n === 0) return '';
    if (n > KEY_CACHE_MAX_BYTES) return this.text.utf8Slice(start, stop);
    const buf = this.buf;
    let hash = n;
    for (let i = start; i < stop; i++) hash = Math.imul(hash ^ buf[i], 0x01000193);
    const slot = (hash ^ (hash >>> 15)) & (KEY_CACHE_SIZE - 1);
    const cached = keyCacheBytes[slot];
    if (cached !== undefined && cached.length === n) {
      let i = 0;
      while (i < n && cached[i] === buf[start + i]) i++;
      if (i === n) return keyCacheStrings[slot];
    }
    const key = this.text.utf8Slice(start, stop);
    keyCacheBytes[slot] = buf.slice(start, stop);
    keyCacheStrings[slot] = key;
    return key;
  }

  /** A bytes field as lowercase hex (ids). */
  hex(end: number): string {
    const stop = this.len(end);
    const start = this.pos;
    this.pos = stop;
    // Buffer's slicer makes one flat string: pairs joined in JS cost ~1.6x for a span's ids,
    // and left a rope that the zero-id check then flattened.
    return this.text.hexSlice(start, stop);
  }

  base64(end: number): string {
    const stop = this.len(end);
    const start = this.pos;
    this.pos = stop;
    return bytesToBase64(this.buf, start, stop);
  }

  /**
   * For a tag no case matched: a known field number with the wrong wire type is an error;
   * an unknown field is skipped, as protobuf requires for forward compatibility.
   */
  unexpected(tag: number, end: number, message: string, knownFields: number): void {
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 0) throw new OtlpDecodeError(`invalid field number 0 in ${message} at byte ${this.pos}`);
    if (wireType > I32) throw new OtlpDecodeError(`invalid wire type ${wireType} in ${message} at byte ${this.pos}`);
    if (field < 32 && (knownFields & (1 << field)) !== 0) {
      throw new OtlpDecodeError(
        `${message} field ${field} has unexpected wire type ${WIRE_TYPE_NAMES[wireType]} (before byte ${this.pos})`,
      );
    }
    this.skip(wireType, field, end);
  }

  skip(wireType: number, field: number, end: number): void {
    switch (wireType) {
      case VARINT:
        this.varint64(end);
        return;
      case I64:
        if (end - this.pos < 8) this.truncated('fixed64', this.pos);
        this.pos += 8;
        return;
      case LEN:
        this.pos = this.len(end);
        return;
      case I32:
        if (end - this.pos < 4) this.truncated('fixed32', this.pos);
        this.pos += 4;
        return;
      case SGROUP:
        this.skipGroup(field, end);
        return;
      default:
        throw new OtlpDecodeError(`invalid wire type ${WIRE_TYPE_NAMES[wireType]} at byte ${this.pos}`);
    }
  }

  private skipGroup(field: number, end: number): void {
    const open = [field];
    while (open.length > 0) {
      if (open.length > MAX_GROUP_DEPTH) throw new OtlpDecodeError(`groups nested too deeply at byte ${this.pos}`);
      const tag = this.uint32(end);
      const wireType = tag & 7;
      if (wireType === EGROUP) {
        if (tag >>> 3 !== open.pop()) throw new OtlpDecodeError(`mismatched end group at byte ${this.pos}`);
      } else if (wireType === SGROUP) {
        open.push(tag >>> 3);
      } else {
        this.skip(wireType, tag >>> 3, end);
      }
    }
  }

  private truncated(what: string, pos: number): never {
    throw new OtlpDecodeError(`truncated ${what} at byte ${pos}`);
  }
}
