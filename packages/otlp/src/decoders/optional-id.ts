import { isZeroHex } from '../wire/bytes';

/**
 * An id that may be absent (log records, exemplars): '' when empty or all zero (what some SDKs
 * send outside a trace), the hex when it has `size` bytes, null for any other length.
 */
export function optionalId(hex: string | null, size: number): string | null {
  if (hex === null) return null;
  if (hex.length === 0) return '';
  if (hex.length !== size * 2) return null;
  return isZeroHex(hex) ? '' : hex;
}
