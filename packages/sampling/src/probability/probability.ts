/**
 * OpenTelemetry consistent probability sampling (tracestate `ot=th:...`): the randomness R
 * is the low 56 bits of the trace id, a trace is kept at threshold T when R >= T, and the
 * keep probability is (2^56 - T) / 2^56. Every replica and every restart decides the same
 * for the same trace id, and an exemplar chosen at ingest can know whether its trace will
 * be kept. (An explicit `rv` in tracestate is not read: the trace id is the randomness.)
 */

export const MAX_THRESHOLD = 1n << 56n;

/** The low 56 bits of a 32-hex-digit trace id. */
export function randomnessOf(traceIdHex: string): bigint {
  return BigInt(`0x${traceIdHex.slice(18, 32)}`);
}

/** Threshold T that keeps `percent` % of traces (0..100), rounded to the nearest unit. */
export function thresholdFor(percent: number): bigint {
  if (!(percent >= 0 && percent <= 100)) throw new RangeError(`sampling percent must be 0..100, got ${percent}`);
  // 2^56 * p is beyond double precision, but only by ~1e-16 relative: well below one unit in the 14th hex digit.
  const kept = BigInt(Math.round((percent / 100) * 2 ** 56));
  return MAX_THRESHOLD - kept;
}

export function isKeptAt(traceIdHex: string, threshold: bigint): boolean {
  return randomnessOf(traceIdHex) >= threshold;
}

/** `th` value for tracestate: up to 14 hex digits, trailing zeros removed; `0` keeps all. */
export function encodeThreshold(threshold: bigint): string {
  if (threshold <= 0n) return '0';
  return threshold.toString(16).padStart(14, '0').replace(/0+$/, '');
}

export function decodeThreshold(th: string): bigint {
  if (!/^[0-9a-f]{1,14}$/.test(th)) throw new RangeError(`invalid th: ${th}`);
  return BigInt(`0x${th.padEnd(14, '0')}`);
}

/** How many traces one kept trace stands for: 1 / keep probability. */
export function adjustedCount(threshold: bigint): number {
  if (threshold >= MAX_THRESHOLD) return 0;
  return Number(MAX_THRESHOLD) / Number(MAX_THRESHOLD - threshold);
}
