/**
 * Where the per-send fields of an encoded payload sit: trace ids, span ids and
 * timestamps. Stamping rewrites exactly these bytes, so one encoding serves many sends.
 */
export interface PayloadLayout {
  /** Start of each trace id (16 raw bytes in protobuf, 32 hex characters in JSON). */
  traceIdAt: Int32Array;
  /** For each trace id: the index of its trace in the template's trace list. */
  traceIdTrace: Int32Array;
  /** Start of each span id, parent span id and link span id (8 bytes / 16 hex characters). */
  spanIdAt: Int32Array;
  /** Start of each nanosecond timestamp (fixed64 little-endian / 19 decimal digits). */
  timeAt: Int32Array;
}

export class LayoutError extends Error {
  override readonly name = 'LayoutError';
}

/** Collects offsets in growable plain arrays, then freezes them into typed arrays. */
export class LayoutBuilder {
  private readonly traceIdAt: number[] = [];
  private readonly traceIdTrace: number[] = [];
  private readonly spanIdAt: number[] = [];
  private readonly timeAt: number[] = [];

  constructor(private readonly traceIndex: ReadonlyMap<string, number>) {}

  traceId(at: number, hex: string): void {
    const index = this.traceIndex.get(hex);
    if (index === undefined) throw new LayoutError(`trace id ${hex} at ${at} is not one of the template's traces`);
    this.traceIdAt.push(at);
    this.traceIdTrace.push(index);
  }

  spanId(at: number): void {
    this.spanIdAt.push(at);
  }

  time(at: number): void {
    this.timeAt.push(at);
  }

  build(): PayloadLayout {
    return {
      traceIdAt: Int32Array.from(this.traceIdAt),
      traceIdTrace: Int32Array.from(this.traceIdTrace),
      spanIdAt: Int32Array.from(this.spanIdAt),
      timeAt: Int32Array.from(this.timeAt),
    };
  }
}
