import { hash32, Random } from './random';

/**
 * Unique, random-looking ids from a counter.
 *
 * Trace ids must be unique for the whole run (the benchmarks compare trace counts), and
 * they must also look uniformly random in every byte: samplers, including tracehouse's
 * own keep-p%-by-trace-id rule and W3C "random" trace ids, hash or threshold on the low
 * bytes. A 4-round Feistel network over the 64-bit counter is a bijection whatever its
 * round function is, so distinct counters give distinct ids that look random.
 */
export class IdSequence {
  private readonly keys: Uint32Array;
  private readonly fill: Random;
  private counter = 0;
  /** The last id, as two pairs of 32-bit words, big-endian: [w0, w1, w2, w3]. */
  readonly words = new Uint32Array(4);

  constructor(seed: readonly number[], stream: number) {
    const r = Random.derive(seed, stream, 0);
    this.keys = Uint32Array.of(r.u32(), r.u32(), r.u32(), r.u32());
    this.fill = Random.derive(seed, stream, 1);
  }

  /** Advances to the next 128-bit id: 64 random bits, then the 64-bit permuted counter. */
  next128(): Uint32Array {
    this.words[0] = this.fill.u32();
    this.words[1] = this.fill.u32();
    this.permute(2);
    return this.words;
  }

  /** Advances to the next 64-bit id, in words[2..3]. */
  next64(): Uint32Array {
    this.permute(2);
    return this.words;
  }

  private permute(at: number): void {
    const c = this.counter++;
    let left = Math.floor(c / 0x1_0000_0000) >>> 0;
    let right = c >>> 0;
    for (let round = 0; round < 4; round++) {
      const next = (left ^ hash32(right ^ this.keys[round])) >>> 0;
      left = right;
      right = next;
    }
    // An all-zero span id is invalid in OTLP. Exactly one counter value maps to zero; moving
    // it onto (0, 1) could only collide with the one counter that maps there, 2^-64 away.
    if (left === 0 && right === 0) right = 1;
    this.words[at] = left;
    this.words[at + 1] = right;
  }
}

export function hex32(word: number): string {
  return (word >>> 0).toString(16).padStart(8, '0');
}

export function traceIdHex(words: Uint32Array): string {
  return hex32(words[0]) + hex32(words[1]) + hex32(words[2]) + hex32(words[3]);
}

export function spanIdHex(words: Uint32Array): string {
  return hex32(words[2]) + hex32(words[3]);
}
