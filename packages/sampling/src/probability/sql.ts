/**
 * The SQL twin of `randomnessOf` (./probability.ts): the low 56 bits of the hex trace id
 * column as a UInt64. unhex gives the 7 bytes big-endian; reinterpretAsUInt64 reads little-
 * endian, hence the reverse. test/unit/probability.test.ts and test/integration/probability-sql.test.ts pin the
 * two to the same values.
 */
export function traceRandomnessSql(traceIdColumn = 'TraceId'): string {
  return `reinterpretAsUInt64(reverse(unhex(substring(${traceIdColumn}, 19, 14))))`;
}

/** `1` when the trace is kept at `threshold` (a bigint rendered as a literal, never user text). */
export function keptAtSql(threshold: bigint, traceIdColumn = 'TraceId'): string {
  return `(${traceRandomnessSql(traceIdColumn)} >= toUInt64(${threshold.toString()}))`;
}
