// 64-bit integers as (hi, lo) uint32 halves <-> exact decimal strings. Nanosecond timestamps
// (~1.7e18) are past 2^53, so the common path has to be exact without paying for a BigInt.

const TWO_32 = 4294967296;
const MAX_SAFE_HI = 0x200000; // hi below this: hi * 2^32 + lo < 2^53
const E9 = 1000000000;
const ZEROS = '000000000';

/** The unsigned 64-bit integer hi * 2^32 + lo as a decimal string. */
export function uint64ToDecimal(hi: number, lo: number): string {
  if (hi < MAX_SAFE_HI) return String(hi * TWO_32 + lo);
  // q ~ value / 1e9 is within +-1 of the true quotient (the double is off by at most 1024), so
  // the true remainder fits an int32 and can be computed exactly modulo 2^32.
  let q = Math.floor((hi * TWO_32 + lo) / E9);
  let r = (lo - Math.imul(q % TWO_32, E9)) | 0;
  while (r < 0) {
    q -= 1;
    r += E9;
  }
  while (r >= E9) {
    q += 1;
    r -= E9;
  }
  const low = String(r);
  return String(q) + ZEROS.slice(low.length) + low;
}

/** The two's-complement signed 64-bit integer in (hi, lo) as a decimal string. */
export function int64ToDecimal(hi: number, lo: number): string {
  if (hi < 0x80000000) return uint64ToDecimal(hi, lo);
  const nlo = (~lo + 1) >>> 0;
  const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
  return '-' + uint64ToDecimal(nhi, nlo);
}

/** The int64 value as a JS number (rounded when beyond 2^53). */
export function int64ToNumber(hi: number, lo: number): number {
  if (hi < 0x80000000) return hi * TWO_32 + lo;
  return (hi | 0) * TWO_32 + lo;
}

/** b - a for two unsigned 64-bit integers, exactly, as a signed decimal string. */
export function uint64DiffToDecimal(aHi: number, aLo: number, bHi: number, bLo: number): string {
  if (aHi < MAX_SAFE_HI && bHi < MAX_SAFE_HI) return String(bHi * TWO_32 + bLo - (aHi * TWO_32 + aLo));
  const negative = bHi < aHi || (bHi === aHi && bLo < aLo);
  const lo = negative ? aLo - bLo : bLo - aLo;
  const hi = ((negative ? aHi - bHi : bHi - aHi) - (lo < 0 ? 1 : 0)) >>> 0;
  const magnitude = uint64ToDecimal(hi, lo >>> 0);
  return negative ? '-' + magnitude : magnitude;
}

const UINT64_MAX = '18446744073709551615';
const INT64_MAX = '9223372036854775807';
const INT64_MIN_ABS = '9223372036854775808';
const DIGITS = /^[0-9]+$/;

/**
 * A decimal integer string normalised (no sign for zero, no leading zeros), or null when it is
 * not a decimal integer within [-2^63, 2^63) (signed) or [0, 2^64) (unsigned).
 */
export function normaliseDecimal(text: string, signed: boolean): string | null {
  let negative = false;
  let digits = text;
  if (digits.charCodeAt(0) === 45 /* - */) {
    if (!signed) return null;
    negative = true;
    digits = digits.slice(1);
  }
  if (!DIGITS.test(digits)) return null;
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  if (i > 0) digits = digits.slice(i);
  const limit = !signed ? UINT64_MAX : negative ? INT64_MIN_ABS : INT64_MAX;
  if (digits.length > limit.length || (digits.length === limit.length && digits > limit)) return null;
  if (digits === '0') return '0';
  return negative ? '-' + digits : digits;
}

/** An integral JS number as an exact decimal string, or null when it is not an integer in range. */
export function integerNumberToDecimal(value: number, signed: boolean): string | null {
  if (!Number.isInteger(value)) return null;
  if (signed ? value < -(2 ** 63) || value >= 2 ** 63 : value < 0 || value >= 2 ** 64) return null;
  if (Number.isSafeInteger(value)) return String(value === 0 ? 0 : value);
  return BigInt(value).toString();
}

/** A normalised decimal string (see normaliseDecimal) as (hi, lo) two's-complement halves. */
export function decimalToHiLo(decimal: string): [number, number] {
  if (decimal.length < 16) {
    const n = Number(decimal);
    if (n >= 0) return [Math.floor(n / TWO_32), n >>> 0];
  }
  const v = BigInt.asUintN(64, BigInt(decimal));
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

/** b - a for two normalised unsigned decimal strings, exactly. */
export function decimalDiff(a: string, b: string): string {
  if (a.length < 16 && b.length < 16) return String(Number(b) - Number(a));
  // Split at 1e9 so two close 19-digit timestamps subtract in safe doubles.
  const aHigh = a.length > 9 ? Number(a.slice(0, -9)) : 0;
  const bHigh = b.length > 9 ? Number(b.slice(0, -9)) : 0;
  const highDiff = bHigh - aHigh;
  if (Math.abs(highDiff) < 4000000) {
    return String(highDiff * E9 + (Number(b.length > 9 ? b.slice(-9) : b) - Number(a.length > 9 ? a.slice(-9) : a)));
  }
  return (BigInt(b) - BigInt(a)).toString();
}

/** a + b for two normalised decimal strings (either may be negative), exactly. */
export function decimalAdd(a: string, b: string): string {
  if (a.length < 16 && b.length < 16) return String(Number(a) + Number(b));
  return (BigInt(a) + BigInt(b)).toString();
}
