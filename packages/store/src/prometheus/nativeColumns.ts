/**
 * A result in ClickHouse's Native format, for results of Float64 and Array(Float64|Float32|
 * Int8|Int16|Int32) columns only (PromQL samples): ClickHouse writes Native by copying its column arrays, measured ~1.5x
 * cheaper than RowBinary for the same rows, and a Float64 column reads back as typed arrays.
 * The result comes in blocks of rows; an array column comes as its flattened values and, per
 * row, the end offset of its values within the block.
 */
export type NativeValues = Float64Array | Float32Array | Int8Array | Int16Array | Int32Array;

export class NativeColumn {
  /**
   * An instance for the life of the process: at a full GC V8 drops the hidden classes no live
   * object has, and the optimised code built on them (docs/performance.md, "Hidden classes kept").
   */
  static readonly kept = new NativeColumn(new Float64Array(0), undefined);

  constructor(
    readonly values: NativeValues,
    /** Array columns: the end (exclusive) of row i's values in `values`. */
    readonly ends: Float64Array | undefined,
  ) {}
}

type NumbersOf<T extends NativeValues> = {
  new (n: number): T;
  new (buffer: ArrayBufferLike, offset: number, n: number): T;
  BYTES_PER_ELEMENT: number;
};

/** The array columns read, by their element's typed array. */
const ARRAYS: Record<string, NumbersOf<NativeValues>> = {
  'Array(Float64)': Float64Array,
  'Array(Float32)': Float32Array,
  'Array(Int8)': Int8Array,
  'Array(Int16)': Int16Array,
  'Array(Int32)': Int32Array,
};

/** The blocks of a result, each with its columns in SELECT order. */
export function readNative(bytes: Uint8Array): NativeColumn[][] {
  const r = new Cursor(bytes);
  const blocks: NativeColumn[][] = [];
  while (!r.done) {
    const columns = r.length();
    const rows = r.length();
    const block: NativeColumn[] = [];
    for (let c = 0; c < columns; c++) {
      r.string(); // name
      const type = r.string();
      if (type === 'Float64') {
        block.push(new NativeColumn(r.numbers(rows, Float64Array), undefined));
        continue;
      }
      const element = ARRAYS[type];
      if (!element) throw new Error(`unexpected column type ${type} in a Native result`);
      const ends = r.uint64s(rows);
      block.push(new NativeColumn(r.numbers(rows ? ends[rows - 1]! : 0, element), ends));
    }
    blocks.push(block);
  }
  return blocks;
}
class Cursor {
  /**
   * An instance for the life of the process: at a full GC V8 drops the hidden classes no live
   * object has, and the optimised code built on them (docs/performance.md, "Hidden classes kept").
   */
  static readonly kept = new Cursor(Buffer.alloc(0));

  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** Unsigned LEB128 (counts and string lengths). */
  length(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      // A truncated result must fail, not loop (a missing byte reads as undefined).
      if (this.pos >= this.bytes.length) throw new Error('truncated Native result');
      const b = this.bytes[this.pos++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  }

  string(): string {
    const n = this.length();
    const s = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.pos, n).toString('utf8');
    this.pos += n;
    return s;
  }

  /** n little-endian numbers: a view where they are aligned, else a copy. */
  numbers<T extends NativeValues>(n: number, Type: NumbersOf<T>): T {
    const size = Type.BYTES_PER_ELEMENT;
    if (this.pos + n * size > this.bytes.length) throw new Error('truncated Native result');
    const start = this.bytes.byteOffset + this.pos;
    this.pos += n * size;
    if (start % size === 0) return new Type(this.bytes.buffer, start, n);
    const out = new Type(n);
    new Uint8Array(out.buffer).set(this.bytes.subarray(this.pos - n * size, this.pos));
    return out;
  }

  /** n little-endian UInt64 (array offsets), as doubles: exact below 2^53. */
  uint64s(n: number): Float64Array {
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, n * 8);
    // (Moved before the loop: after it, a call compiled during the loop found it never run and deoptimised.)
    this.pos += n * 8;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getUint32(i * 8, true) + view.getUint32(i * 8 + 4, true) * 4_294_967_296;
    return out;
  }
}
