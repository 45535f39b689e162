/** Reads values of a RowBinary result in order (little-endian, as ClickHouse writes them). */
export class RowBinaryReader {
  private pos = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  f64(): number {
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** The length prefix of an array or string (unsigned LEB128). */
  length(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = this.bytes[this.pos++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  }
}
