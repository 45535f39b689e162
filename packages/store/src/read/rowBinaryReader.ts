/**
 * Reads a result in ClickHouse's RowBinary format (`Sql.queryRowBinary`), one value at a
 * time in the SELECT's column order. For many-row results read by the background processors
 * (the service graph's spans): ClickHouse writes RowBinary for a fraction of the CPU it takes
 * to write JSON, and nothing is parsed twice (docs/performance.md, session 20).
 *
 * Every read checks the bounds: a truncated result throws instead of reading past its end.
 */
/** Longer strings are rarely repeated values; they are made each time. */
const MAX_REPEATED_BYTES = 64;
/** Distinct strings `repeated` remembers per result. */
const MAX_REPEATED_STRINGS = 65_536;
const EMPTY_ARRAY: readonly string[] = Object.freeze([]);
const EMPTY_MAP: Readonly<Record<string, string>> = Object.freeze({});

export class RowBinaryReader {
  private pos = 0;
  /** Strings read by `repeated()`, by a hash of their bytes (see there). */
  private readonly seen = new Map<number, { at: number; length: number; value: string }>();

  constructor(private readonly bytes: Buffer) {}

  /** True once every row has been read. */
  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** UInt8, Bool. */
  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  /**
   * Int64 as a number: exact within ±2^53 (a span's duration in nanoseconds up to 104 days),
   * rounded to the nearest double past it, as `Number()` of its decimal would be.
   */
  i64(): number {
    this.need(8);
    const lo = this.bytes.readUInt32LE(this.pos);
    const hi = this.bytes.readInt32LE(this.pos + 4);
    this.pos += 8;
    return hi * 4294967296 + lo;
  }

  /** String, as UTF-8. */
  string(): string {
    const n = this.uvarint();
    return n === 0 ? '' : this.utf8(n);
  }

  /**
   * A String that repeats across rows (a service name, a trace id in a trace's spans, an
   * attribute key): the same bytes read again return the string made the first time, found by
   * a hash of the bytes and compared with them where they were first read. Hashing a short
   * value costs less than making a new string, and equal strings that are one object compare
   * and hash once in the maps that use them.
   */
  repeated(): string {
    const n = this.uvarint();
    if (n === 0) return '';
    if (n > MAX_REPEATED_BYTES) return this.utf8(n);
    this.need(n);
    const { bytes, pos } = this;
    let hash = 0x811c9dc5 ^ n;
    for (let i = pos, end = pos + n; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    const hit = this.seen.get(hash);
    if (hit !== undefined && hit.length === n && sameBytes(bytes, hit.at, pos, n)) {
      this.pos += n;
      return hit.value;
    }
    const value = this.utf8(n);
    // A colliding hash keeps its first string; the cache is bounded per result.
    if (hit === undefined && this.seen.size < MAX_REPEATED_STRINGS) this.seen.set(hash, { at: pos, length: n, value });
    return value;
  }

  /** Array(String); an empty one is one shared frozen array. */
  strings(): readonly string[] {
    const n = this.uvarint();
    if (n === 0) return EMPTY_ARRAY;
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = this.string();
    return out;
  }

  /**
   * Map(String, String) of repeated keys and values (see `repeated`), as a plain record; a
   * repeated key keeps its last value. An empty map is one shared frozen record.
   */
  repeatedMap(): Readonly<Record<string, string>> {
    const n = this.uvarint();
    if (n === 0) return EMPTY_MAP;
    const out: Record<string, string> = {};
    for (let i = 0; i < n; i++) {
      const key = this.repeated();
      out[key] = this.repeated();
    }
    return out;
  }

  /** LEB128: lengths of strings, arrays and maps. */
  private uvarint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.u8();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
      if (scale > 2 ** 49) throw new Error('malformed RowBinary length');
    }
  }

  private utf8(n: number): string {
    this.need(n);
    // utf8Slice: toString without its encoding lookup and argument checks (~30% of a short string).
    const s = (this.bytes as Utf8Sliceable).utf8Slice(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new Error('truncated RowBinary result');
  }
}

/** A loop beats Buffer.compare's call for the few bytes of a repeated value. */
function sameBytes(bytes: Buffer, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

/** Node's Buffer has utf8Slice (what toString('utf8') calls); its types do not declare it. */
type Utf8Sliceable = Buffer & { utf8Slice(start: number, end: number): string };
