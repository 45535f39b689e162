/**
 * How an hour's values are kept in one row per series and hour (metrics_hourly): as Float64,
 * or as integers in the narrowest type that holds them.
 */

/**
 * Whether every value of an array is a Float32 too (small integers, counts: nearly all): a read
 * sends those as Float32, half the bytes (NaN is not equal to itself: such an array stays Float64).
 */
export const float32Sql = (values: string) => `arrayAll(v -> toFloat64(toFloat32(v)) = v, ${values})`;

/**
 * The integer widths an hour's values are kept in (migration 24): a counter's or a count's
 * values are integers a small step apart, kept as their first value and the differences
 * (`<column>First`, `<column>Int8|16|32`, the first difference 0) in the narrowest type that
 * holds them all. A day of the bench's 1,000 counters then leaves ClickHouse as 5.9 MB of Int8
 * instead of 23 MB of Float32 cast from 46 MB of Float64 (read and sent in ~10 ms against
 * ~45-90, docs/performance.md). Values that are not all integers below 2^53 in magnitude, or
 * whose differences need more than 32 bits, stay in the Float64 column.
 */
export const INT_WIDTHS = [8, 16, 32] as const;

/** The columns of one value column kept so (`column` the Float64 one), as ADD COLUMN gives them. */
export function intColumnsSql(column: string): string[] {
  const { first, ints } = intColumns(column);
  // LZ4: every dashboard reads them whole, and they decompress several times faster than ZSTD.
  return [`${first} Float64`, ...ints.map((c, i) => `${c} Array(Int${INT_WIDTHS[i]}) CODEC(LZ4)`)];
}

/**
 * The SQL of one value column's stored columns (see INT_WIDTHS) from its values `values`
 * (named `v` here): all but one of the value arrays empty.
 */
export function encodedValuesSql(
  values: string,
  v: string,
): { values: string; float32: string; first: string; ints: string[] } {
  const d = `arrayDifference(${v})`;
  // Integers of at most 53 bits (exact in a double, as their differences then are), or none.
  const integral = `arrayAll(x -> x = round(x) AND abs(x) < ${2 ** 53}, ${v})`;
  const fits = INT_WIDTHS.map((w) => `arrayAll(x -> abs(x) < ${2 ** (w - 1)}, ${d}), ${w}`);
  const w = `${v}_width`;
  return {
    values: `if((multiIf(NOT ${integral}, 0, ${fits.join(', ')}, 0) AS ${w}) = 0, (${values} AS ${v}), [])`,
    float32: `${w} = 0 AND ${float32Sql(v)}`,
    first: `${v}[1]`,
    ints: INT_WIDTHS.map((x) => `if(${w} = ${x}, CAST(${d}, 'Array(Int${x})'), [])`),
  };
}

/** The names of the columns encodedValuesSql's integers go to (`column` the Float64 one). */
export const intColumns = (column: string) => ({
  first: `${column}First`,
  ints: INT_WIDTHS.map((w) => `${column}Int${w}`),
});

/** The integer columns of `column` as a read of the hours' samples names them: `_vfirst`, `_i8|16|32`. */
export function intsReadSql(column: string): string {
  const { first, ints } = intColumns(column);
  return [`${first} AS _vfirst`, ...ints.map((c, i) => `${c} AS _i${INT_WIDTHS[i]}`)].join(', ');
}

/** An hour's values of `column` as Float64 in SQL, however they are kept (for sums over them). */
export function decodedValuesSql(column: string): string {
  const { first, ints } = intColumns(column);
  // The differences start at 0: their running sum plus the first value is each value.
  return ints.reduceRight(
    (rest, i) => `if(notEmpty(${i}), arrayMap(d -> ${first} + d, arrayCumSum(${i})), ${rest})`,
    column,
  );
}
