/** A small seeded PRNG (mulberry32): test data and fuzz cases are reproducible from a seed. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  hex(bytes: number): string {
    return Buffer.from(this.bytes(bytes)).toString('hex');
  }

  /** A non-zero id of `bytes` bytes as hex. */
  id(bytes: number): string {
    const b = this.bytes(bytes);
    b[0] |= 1;
    return Buffer.from(b).toString('hex');
  }

  /** A uint64 as a decimal string, biased towards realistic nanosecond timestamps and edge values. */
  uint64(): string {
    const r = this.next();
    if (r < 0.1) return '0';
    if (r < 0.2) return '18446744073709551615';
    if (r < 0.3) return String(this.int(1_000_000));
    const v = (BigInt(this.int(2 ** 32)) << 32n) | BigInt(this.int(2 ** 32));
    return (r < 0.6 ? 1_700_000_000_000_000_000n + BigInt(this.int(2 ** 30)) * 1000n : v).toString();
  }

  /** An int64 as a decimal string, with the extremes and the 2^53 boundary. */
  int64(): string {
    const r = this.next();
    if (r < 0.1) return '-9223372036854775808';
    if (r < 0.2) return '9223372036854775807';
    if (r < 0.3) return '9007199254740993';
    if (r < 0.6) return String(this.int(2001) - 1000);
    const v = BigInt.asIntN(64, (BigInt(this.int(2 ** 32)) << 32n) | BigInt(this.int(2 ** 32)));
    return v.toString();
  }

  double(): number {
    const r = this.next();
    if (r < 0.05) return Number.NaN;
    if (r < 0.1) return this.chance(0.5) ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    if (r < 0.15) return 0;
    if (r < 0.2) return 5e-324;
    if (r < 0.25) return 1.7976931348623157e308;
    if (r < 0.5) return this.int(1000);
    return (this.next() - 0.5) * 10 ** this.int(20);
  }

  /** Mostly ASCII, sometimes multi-byte, astral or JSON-hostile characters. */
  string(maxLength = 12): string {
    const n = this.int(maxLength + 1);
    let s = '';
    for (let i = 0; i < n; i++) {
      const r = this.next();
      if (r < 0.7) s += String.fromCharCode(97 + this.int(26));
      else if (r < 0.8) s += this.pick(['"', '\\', '\n', '\t', '\u0000', '/', ' ', '.']);
      else if (r < 0.9) s += this.pick(['é', 'ß', '日', '本', 'ü']);
      else s += this.pick(['🚀', '😀', '\u{10FFFF}']);
    }
    return s;
  }
}
