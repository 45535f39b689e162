// Byte strings as they appear in the model: ids as lowercase hex, bytes values as base64.

const HEX_PAIRS: string[] = [];
for (let i = 0; i < 256; i++) HEX_PAIRS.push((i < 16 ? '0' : '') + i.toString(16));

/** Lowercase hex of buf[start, end). */
export function bytesToHex(buf: Uint8Array, start: number, end: number): string {
  let hex = '';
  for (let i = start; i < end; i++) hex += HEX_PAIRS[buf[i]];
  return hex;
}

/** Standard base64 (with padding) of buf[start, end). */
export function bytesToBase64(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('base64');
}

const HEX_TEXT = /^[0-9a-fA-F]*$/;
const BASE64_TEXT = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** True when a hex id is empty, or all zero (an invalid trace or span id in OTLP). */
export function isZeroHex(hex: string): boolean {
  for (let i = 0; i < hex.length; i++) if (hex.charCodeAt(i) !== 48) return false;
  return true;
}

/**
 * An OTLP/JSON trace or span id as lowercase hex. The spec says hex, but some clients send
 * protobuf-JSON base64: 2*size hex chars are hex; otherwise base64 that decodes to exactly
 * `size` bytes is accepted; otherwise any even-length hex is kept (and fails length
 * validation later). null when the text is neither.
 */
export function jsonIdToHex(text: string, size: number): string | null {
  if (text.length === size * 2 && HEX_TEXT.test(text)) return text.toLowerCase();
  const bytes = base64ToBytes(text);
  if (bytes !== null && bytes.length === size) return bytesToHex(bytes, 0, bytes.length);
  if (text.length % 2 === 0 && HEX_TEXT.test(text)) return text.toLowerCase();
  return null;
}

/** Standard or URL-safe base64, padding optional; null when the text is not base64. */
export function base64ToBytes(text: string): Uint8Array | null {
  if (!BASE64_TEXT.test(text)) return null;
  const unpadded = text.length - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
  if (unpadded % 4 === 1) return null;
  if (text.length !== unpadded && text.length % 4 !== 0) return null;
  return Buffer.from(text, 'base64');
}

/** A JSON bytes value normalised to standard padded base64, or null when it is not base64. */
export function normaliseBase64(text: string): string | null {
  const bytes = base64ToBytes(text);
  return bytes === null ? null : bytesToBase64(bytes, 0, bytes.length);
}

export function hexToBytes(hex: string): Uint8Array {
  return Buffer.from(hex, 'hex');
}
