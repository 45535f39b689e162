/**
 * Values by the (trace id, span id) that identifies a span, keyed by the span id alone with
 * the trace id checked: span ids are random, so two traces of one batch sharing one is rare,
 * and only those spans pay for a key joining both ids (a joined key is a new string to
 * allocate and hash for every span). Used by the receivers' check for span ids repeated in a
 * request and by the service graph's pairing.
 */
export class SpanIdMap<V> {
  private readonly bySpanId = new Map<string, V>();
  /** Values whose span id an earlier value of another trace holds in bySpanId. */
  private shared: Map<string, V> | null = null;

  /** `traceIdOf` gives a value's trace id. */
  constructor(private readonly traceIdOf: (value: V) => string) {}

  get(traceId: string, spanId: string): V | undefined {
    const v = this.bySpanId.get(spanId);
    if (v === undefined || this.traceIdOf(v) === traceId) return v;
    return this.shared?.get(joined(traceId, spanId));
  }

  /** Sets the value of its trace id and `spanId`, replacing the one held for them. */
  set(spanId: string, value: V): void {
    const first = this.bySpanId.get(spanId);
    const traceId = this.traceIdOf(value);
    if (first === undefined || this.traceIdOf(first) === traceId) this.bySpanId.set(spanId, value);
    else {
      this.shared ??= new Map();
      this.shared.set(joined(traceId, spanId), value);
    }
  }
}

const joined = (traceId: string, spanId: string) => `${traceId}:${spanId}`;
