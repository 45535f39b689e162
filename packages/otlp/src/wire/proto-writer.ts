import { decimalToHiLo, normaliseDecimal } from './int64';
import { I32, I64, LEN, VARINT } from './proto-reader';

/**
 * A growable protobuf output buffer. Nested messages reserve one byte for their length and
 * shift their content when it turns out to need more (most KeyValues and AnyValues do not).
 */
export class ProtoWriter {
  private buf: Buffer;
  private view: DataView;
  pos = 0;

  constructor(initialSize = 4096) {
    this.buf = Buffer.allocUnsafe(initialSize);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    return out;
  }

  tag(field: number, wireType: number): void {
    this.uint32((field << 3) | wireType);
  }

  uint32(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  varint64(hi: number, lo: number): void {
    this.ensure(10);
    let h = hi >>> 0;
    let l = lo >>> 0;
    while (h > 0 || l > 0x7f) {
      this.buf[this.pos++] = (l & 0x7f) | 0x80;
      l = ((l >>> 7) | (h << 25)) >>> 0;
      h >>>= 7;
    }
    this.buf[this.pos++] = l;
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, value >>> 0, true);
    this.pos += 4;
  }

  fixed64(hi: number, lo: number): void {
    this.ensure(8);
    this.view.setUint32(this.pos, lo >>> 0, true);
    this.view.setUint32(this.pos + 4, hi >>> 0, true);
    this.pos += 8;
  }

  double(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  bytes(value: Uint8Array): void {
    this.uint32(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  string(value: string): void {
    const n = Buffer.byteLength(value);
    this.uint32(n);
    this.ensure(n);
    this.pos += this.buf.write(value, this.pos, n, 'utf8');
  }

  /** Starts a length-delimited field; pass the result to end(). */
  begin(field: number): number {
    this.tag(field, LEN);
    this.ensure(1);
    return this.pos++;
  }

  end(lengthAt: number): void {
    const len = this.pos - lengthAt - 1;
    if (len < 0x80) {
      this.buf[lengthAt] = len;
      return;
    }
    let size = 1;
    while (len >>> (7 * size) !== 0) size++;
    this.ensure(size - 1);
    this.buf.copy(this.buf, lengthAt + size, lengthAt + 1, this.pos);
    this.pos += size - 1;
    let v = len;
    let at = lengthAt;
    while (v > 0x7f) {
      this.buf[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[at] = v;
  }

  // Field writers that leave out proto3 default values, as the official serializers do.

  stringField(field: number, value: string): void {
    if (value === '') return;
    this.tag(field, LEN);
    this.string(value);
  }

  uint32Field(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, VARINT);
    this.uint32(value);
  }

  /** int32 and enum fields: negative values are sign-extended to ten bytes. */
  int32Field(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, VARINT);
    this.varint64(value < 0 ? 0xffffffff : 0, value >>> 0);
  }

  sint32Field(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, VARINT);
    this.uint32((value << 1) ^ (value >> 31));
  }

  boolField(field: number, value: boolean): void {
    if (!value) return;
    this.tag(field, VARINT);
    this.uint32(1);
  }

  fixed32Field(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, I32);
    this.fixed32(value);
  }

  /** fixed64 / sfixed64 from a decimal string. */
  fixed64Field(field: number, decimal: string): void {
    if (decimal === '0' || decimal === '') return;
    const [hi, lo] = hiLo(decimal);
    this.tag(field, I64);
    this.fixed64(hi, lo);
  }

  doubleField(field: number, value: number): void {
    if (value === 0 && 1 / value > 0) return;
    this.tag(field, I64);
    this.double(value);
  }

  /** A double with presence (optional, or a oneof member): written even when zero. */
  doubleAlways(field: number, value: number): void {
    this.tag(field, I64);
    this.double(value);
  }

  hexField(field: number, hex: string): void {
    if (hex === '') return;
    this.tag(field, LEN);
    this.bytes(Buffer.from(hex, 'hex'));
  }
}

/** (hi, lo) of a decimal int64/uint64 string from the model. */
export function hiLo(decimal: string): [number, number] {
  const normalised = normaliseDecimal(decimal, true) ?? normaliseDecimal(decimal, false);
  if (normalised === null) throw new TypeError(`not a 64-bit decimal integer: ${JSON.stringify(decimal)}`);
  return decimalToHiLo(normalised);
}
