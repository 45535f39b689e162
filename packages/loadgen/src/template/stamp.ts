import type { PayloadLayout } from './layout';

/**
 * What changes between two sends of the same template: a fresh trace id for each of its
 * traces, a key XORed into every span id (a bijection, so span ids stay unique within a
 * trace and parent links and links still point at the right span), and a shift of every
 * timestamp (so the traces are recent and keep their internal timing).
 */
export interface Stamp {
  /** 16 bytes per template trace, in the template's trace order. */
  traceIds: Uint8Array;
  /** The same ids as lowercase hex ASCII, 32 bytes per trace (for JSON payloads). */
  traceIdsHex: Uint8Array;
  spanIdKey: Uint8Array;
  /** Nanoseconds added to every timestamp; 0 <= shift < 2^53. */
  shiftNs: number;
}

const TWO_32 = 0x1_0000_0000;
const HEX_CHARS = Buffer.from('0123456789abcdef');
/** ASCII code -> nibble for lowercase hex; 255 elsewhere. */
const NIBBLE = new Uint8Array(256).fill(255);
for (let i = 0; i < 16; i++) NIBBLE[HEX_CHARS[i]] = i;

export function newStamp(traceCount: number): Stamp {
  return {
    traceIds: new Uint8Array(traceCount * 16),
    traceIdsHex: new Uint8Array(traceCount * 32),
    spanIdKey: new Uint8Array(8),
    shiftNs: 0,
  };
}

/** Fills trace `index` of the stamp from four big-endian 32-bit words. */
export function setTraceId(stamp: Stamp, index: number, words: Uint32Array): void {
  const bytes = stamp.traceIds;
  const hex = stamp.traceIdsHex;
  for (let w = 0; w < 4; w++) {
    const word = words[w];
    for (let b = 0; b < 4; b++) {
      const byte = (word >>> (24 - 8 * b)) & 0xff;
      const at = index * 16 + w * 4 + b;
      bytes[at] = byte;
      hex[at * 2] = HEX_CHARS[byte >>> 4];
      hex[at * 2 + 1] = HEX_CHARS[byte & 15];
    }
  }
}

export function traceIdOf(stamp: Stamp, index: number): string {
  return Buffer.from(stamp.traceIdsHex.buffer, stamp.traceIdsHex.byteOffset + index * 32, 32).toString('latin1');
}

/** A copy of a protobuf template with the stamp applied. */
export function stampProtobuf(template: Uint8Array, layout: PayloadLayout, stamp: Stamp): Buffer {
  const out = Buffer.allocUnsafe(template.length);
  out.set(template);
  const { traceIdAt, traceIdTrace, spanIdAt, timeAt } = layout;
  const ids = stamp.traceIds;
  for (let i = 0; i < traceIdAt.length; i++) {
    const at = traceIdAt[i];
    const from = traceIdTrace[i] * 16;
    for (let b = 0; b < 16; b++) out[at + b] = ids[from + b];
  }
  const key = stamp.spanIdKey;
  for (let i = 0; i < spanIdAt.length; i++) {
    const at = spanIdAt[i];
    for (let b = 0; b < 8; b++) out[at + b] ^= key[b];
  }
  const shiftLo = stamp.shiftNs % TWO_32;
  const shiftHi = Math.floor(stamp.shiftNs / TWO_32);
  for (let i = 0; i < timeAt.length; i++) {
    const at = timeAt[i];
    const lo = out.readUInt32LE(at) + shiftLo;
    const hi = out.readUInt32LE(at + 4) + shiftHi + (lo >= TWO_32 ? 1 : 0);
    out.writeUInt32LE(lo % TWO_32, at);
    out.writeUInt32LE(hi % TWO_32, at + 4);
  }
  return out;
}

/** A copy of an OTLP/JSON template with the stamp applied (ids as hex, times as 19 digits). */
export function stampJson(template: Uint8Array, layout: PayloadLayout, stamp: Stamp): Buffer {
  const out = Buffer.allocUnsafe(template.length);
  out.set(template);
  const { traceIdAt, traceIdTrace, spanIdAt, timeAt } = layout;
  const hex = stamp.traceIdsHex;
  for (let i = 0; i < traceIdAt.length; i++) {
    const at = traceIdAt[i];
    const from = traceIdTrace[i] * 32;
    for (let c = 0; c < 32; c++) out[at + c] = hex[from + c];
  }
  const key = stamp.spanIdKey;
  for (let i = 0; i < spanIdAt.length; i++) {
    const at = spanIdAt[i];
    for (let b = 0; b < 8; b++) {
      const k = key[b];
      out[at + 2 * b] = HEX_CHARS[NIBBLE[out[at + 2 * b]] ^ (k >>> 4)];
      out[at + 2 * b + 1] = HEX_CHARS[NIBBLE[out[at + 2 * b + 1]] ^ (k & 15)];
    }
  }
  // 19 digits = 10 high digits and 9 low ones, each exact as a JS number.
  const shiftLo = stamp.shiftNs % 1e9;
  const shiftHi = Math.floor(stamp.shiftNs / 1e9);
  for (let i = 0; i < timeAt.length; i++) {
    const at = timeAt[i];
    let hi = 0;
    for (let d = 0; d < 10; d++) hi = hi * 10 + (out[at + d] - 0x30);
    let lo = 0;
    for (let d = 10; d < 19; d++) lo = lo * 10 + (out[at + d] - 0x30);
    lo += shiftLo;
    hi += shiftHi;
    if (lo >= 1e9) {
      lo -= 1e9;
      hi += 1;
    }
    for (let d = 18; d >= 10; d--) {
      out[at + d] = 0x30 + (lo % 10);
      lo = Math.floor(lo / 10);
    }
    for (let d = 9; d >= 0; d--) {
      out[at + d] = 0x30 + (hi % 10);
      hi = Math.floor(hi / 10);
    }
  }
  return out;
}
