import { bareType, type Column, type ColumnKind, plainType, resourceScopeColumns } from '../schema/columns';

/**
 * RowBinary serialisation driven by the column list: every value in column order, in
 * ClickHouse's native little-endian layout, written into one reusable buffer. Chosen over
 * JSONCompactEachRow by measurement (docs/performance.md): ClickHouse parses it ~3x cheaper
 * and JS writes it without building a string per value. As with the text format before it,
 * one bad value must never make ClickHouse reject a whole group-committed insert, so every
 * value is forced into its column's type (a bad decimal becomes 0, a wrong type the empty
 * value).
 */

const E9 = 1_000_000_000;
const TWO_32 = 2 ** 32;

/** A sink grown past this is replaced after use (typical requests stay far below it). */
const MAX_KEPT_BYTES = 16 * 1024 ** 2;

/** A growable byte buffer, reused from one batch of records to the next. */
export class ByteSink {
  buf: Buffer;
  pos = 0;

  constructor(private readonly initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.reserve(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  i32(v: number): void {
    this.reserve(4);
    this.buf.writeInt32LE(v | 0, this.pos);
    this.pos += 4;
  }

  f64(v: number): void {
    this.reserve(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /**
   * A 64-bit integer from its exact decimal string (two's complement; signed or not alike;
   * wrapped modulo 2^64 past it, as BigInt.asUintN would). Anything but an optional '-' and
   * 1-20 digits is written as 0. Parsed in two exact doubles (the digits before the last nine,
   * then the last nine) and split into 32-bit words without a BigInt: nanosecond times
   * (~1.7e18) are past 2^53, and a BigInt per time was ~10% of the span encoding's CPU.
   */
  i64(decimal: string): void {
    this.reserve(8);
    const n = decimal.length;
    const negative = n > 0 && decimal.charCodeAt(0) === 45; /* - */
    const first = negative ? 1 : 0;
    const split = Math.max(first, n - 9);
    let head = 0;
    let tail = 0;
    // One loop per part, no branch per digit but the check, bytes written one by one: ~1.5x
    // faster than a loop choosing the part per digit and Buffer's writeUInt32LE.
    let bad = n === first || n - first > 20;
    for (let i = first; i < split; i++) {
      const d = decimal.charCodeAt(i) - 48;
      bad ||= d < 0 || d > 9;
      head = head * 10 + d;
    }
    for (let i = split; i < n; i++) {
      const d = decimal.charCodeAt(i) - 48;
      bad ||= d < 0 || d > 9;
      tail = tail * 10 + d;
    }
    if (bad) head = tail = 0;
    // value = head * 1e9 + tail, head < 1.9e11: head = headHi * 2^16 + headLo, and
    // headHi * 1e9 (< 2^48) * 2^16 = high * 2^32 + low16 * 2^16; every step stays exact.
    const headHi = Math.floor(head / 65536);
    const a = headHi * E9;
    const high = Math.floor(a / 65536);
    const low = (a - high * 65536) * 65536 + (head - headHi * 65536) * E9 + tail;
    const carry = Math.floor(low / TWO_32);
    let lo = low - carry * TWO_32;
    let hi = (high + carry) % TWO_32;
    if (negative) {
      lo = (~lo + 1) >>> 0;
      hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
    }
    const { buf, pos } = this;
    buf[pos] = lo;
    buf[pos + 1] = lo >>> 8;
    buf[pos + 2] = lo >>> 16;
    buf[pos + 3] = lo >>> 24;
    buf[pos + 4] = hi;
    buf[pos + 5] = hi >>> 8;
    buf[pos + 6] = hi >>> 16;
    buf[pos + 7] = hi >>> 24;
    this.pos = pos + 8;
  }

  /** LEB128 length, as RowBinary prefixes strings, arrays and maps. */
  varint(n: number): void {
    this.reserve(5);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
  }

  /** UTF-8 bytes prefixed with their length. */
  string(s: string): void {
    const n = s.length;
    if (n < 128) {
      // Most values are short ASCII: a JS loop beats a native UTF-8 write per string (measured
      // ~2x on the span workload); the first other character falls back to the native one.
      this.reserve(1 + n * 3);
      const buf = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = start + n;
        return;
      }
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varint(bytes);
    this.reserve(bytes);
    this.pos += this.buf.write(s, this.pos);
  }

  /** Appends a copy of bytes written earlier into this sink (since the last take). */
  repeat(start: number, end: number): void {
    this.reserve(end - start);
    this.buf.copyWithin(this.pos, start, end);
    this.pos += end - start;
  }

  /** A copy of what was written, and the sink emptied for the next batch. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.reset();
    return out;
  }

  /** Empties the sink for the next batch (its bytes were used in place). */
  reset(): void {
    this.pos = 0;
    // One huge request must not pin its buffer for the life of the process.
    if (this.buf.length > MAX_KEPT_BYTES) this.buf = Buffer.allocUnsafe(this.initialBytes);
  }
}

type Encode = (out: ByteSink, v: unknown) => void;

const asString = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

const encodeString: Encode = (out, v) => out.string(asString(v));

const encodeDecimal: Encode = (out, v) =>
  out.i64(typeof v === 'string' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? `${v}` : '0');

const finite = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0);

const encodeMap: Encode = (out, v) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    out.varint(0);
    return;
  }
  const m = v as Record<string, unknown>;
  let n = 0;
  for (const _ in m) n++;
  out.varint(n);
  for (const k in m) {
    out.string(k);
    out.string(asString(m[k]));
  }
};

const inner = (type: string, wrapper: string): string | null =>
  type.startsWith(`${wrapper}(`) && type.endsWith(')') ? type.slice(wrapper.length + 1, -1) : null;

/** The encoder of one ClickHouse type holding values of one record kind. */
function encoderFor(type: string, kind: ColumnKind): Encode {
  const low = inner(type, 'LowCardinality');
  if (low) return encoderFor(low, kind);
  const nullable = inner(type, 'Nullable');
  if (nullable) {
    const item = encoderFor(
      nullable,
      kind.replace('nullableDecimal', 'decimal').replace('nullableFloat', 'float') as ColumnKind,
    );
    return (out, v) => {
      if (v === null || v === undefined) {
        out.u8(1);
        return;
      }
      out.u8(0);
      item(out, v);
    };
  }
  const array = inner(type, 'Array');
  if (array) {
    const item = encoderFor(array, kind.slice('array:'.length) as ColumnKind);
    return (out, v) => {
      if (!Array.isArray(v)) {
        out.varint(0);
        return;
      }
      out.varint(v.length);
      for (const x of v) item(out, x);
    };
  }
  if (type.startsWith('Map(')) return encodeMap;
  switch (type) {
    case 'String':
      return encodeString;
    case 'UInt8':
      return (out, v) => out.u8(typeof v === 'number' && v >= 0 ? finite(v) & 0xff : 0);
    case 'UInt32':
      return (out, v) => out.u32(typeof v === 'number' && v >= 0 ? finite(v) : 0);
    case 'Int32':
      return (out, v) => out.i32(finite(v));
    case 'Int64':
    case 'UInt64':
    case 'DateTime64(9)':
      return encodeDecimal;
    case 'Float64':
      return (out, v) => out.f64(typeof v === 'number' ? v : 0);
    case 'Bool':
      return (out, v) => out.u8(v === true ? 1 : 0);
  }
  throw new Error(`no RowBinary encoder for ${type} (${kind})`);
}

/** Columns that follow the record's own in every table written (see BatchWriter). */
export const TENANT_COLUMN: Column = { name: 'Tenant', type: 'LowCardinality(String)', kind: 'string' };

export interface RowBinaryTable {
  /** The insert's target columns: the table's, then Tenant. */
  columns: string[];
  /** `name type, ...` of the bytes, for `file(..., 'RowBinary', structure)`. */
  structure: string;
  /** Appends the records, each followed by `tenant`, to `out`. */
  write(out: ByteSink, records: readonly object[], tenant: string): void;
}

/**
 * Where the resource and scope columns sit in a table's columns, or null. Records of one
 * resource and scope share their attribute objects (see the decoders), so their bytes are
 * written once per resource and scope in a batch and copied for the other records.
 */
function resourceScopeRun(columns: readonly Column[]): { from: number; to: number } | null {
  const from = columns.findIndex((c) => c.name === resourceScopeColumns[0]!.name);
  if (from < 0) return null;
  const to = from + resourceScopeColumns.length;
  return resourceScopeColumns.every((c, i) => columns[from + i]?.name === c.name) ? { from, to } : null;
}

/**
 * Builds the RowBinary writer of one table's columns, plus the Tenant column.
 *
 * The per-record loop is generated from the column list (`new Function` over our own schema's
 * names, never client input): each column's value is then read by a constant property name,
 * which V8 resolves with an inline cache, where a loop over the names made every read a
 * megamorphic keyed lookup (~1.3x the encoding's CPU on the span workload, docs/performance.md
 * session 19).
 */
export function rowBinaryTable(columns: readonly Column[]): RowBinaryTable {
  const all = [...columns, TENANT_COLUMN];
  const encoders = columns.map((c) => encoderFor(bareType(c.type), c.kind));
  const run = resourceScopeRun(columns);
  const field = (record: string, i: number) => `${record}[${JSON.stringify(columns[i]!.name)}]`;
  const encode = (from: number, to: number) => {
    let body = '';
    for (let i = from; i < to; i++) body += `e[${i}](out, ${field('r', i)});\n`;
    return body;
  };
  // Records of one resource and scope share their attribute objects and strings (see the
  // decoders), so the same values mean the same bytes.
  const same = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, k) => `${field('r', from + k)} === ${field('last', from + k)}`).join(' && ');
  const source = run
    ? `let last = null, lastStart = 0, lastEnd = 0;
for (let k = 0; k < records.length; k++) {
const r = records[k];
${encode(0, run.from)}if (last !== null && ${same(run.from, run.to)}) out.repeat(lastStart, lastEnd);
else {
lastStart = out.pos;
${encode(run.from, run.to)}lastEnd = out.pos;
last = r;
}
${encode(run.to, columns.length)}out.string(tenant);
}`
    : `for (let k = 0; k < records.length; k++) {
const r = records[k];
${encode(0, columns.length)}out.string(tenant);
}`;
  const write = new Function('e', `return function write(out, records, tenant) {\n${source}\n};`)(
    encoders,
  ) as RowBinaryTable['write'];
  return {
    // The bytes declare each type without `LowCardinality` (RowBinary writes its inner type
    // anyway): ClickHouse reads a `LowCardinality(String)` field of `file()` about
    // twice as slowly as a `String` it then converts on insert (spans_recent's insert CPU
    // 14-15 -> 7-8 us a span, bench:ingest-layout, docs/performance.md session 16).
    columns: all.map((c) => c.name),
    structure: all.map((c) => `\`${c.name}\` ${plainType(c.type)}`).join(', '),
    write,
  };
}
