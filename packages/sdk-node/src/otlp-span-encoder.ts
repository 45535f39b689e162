// Our own OTLP/protobuf encoder for span batches (ExportTraceServiceRequest), used by the
// http/protobuf span pipeline (encoding-span-processor.ts) in place of
// @opentelemetry/otlp-transformer's serializer.
//
// Why our own: it was the largest single part of the SDK's cost per recorded span. On the same
// span, the upstream serializer took ~3.9 µs (packages/sdk-node/bench/spans.ts), more than starting,
// recording, enriching, redacting and queueing the span together (~3.2 µs): it runs two passes (a
// size estimate, then the write), allocates a Uint8Array per trace/span id, and writes every string
// a character at a time. This one writes each span once, when it is added to its batch, writes ids straight
// from hex, writes strings with Buffer#write, and encodes the resource and each instrumentation
// scope once per process instead of once per batch. The bytes are the same message (field order
// and all); test/unit/otlp-span-encoder.test.ts decodes both encoders' output and compares them.
import type { Attributes, AttributeValue, HrTime, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'];

const LEN = 2; // wire type: length-delimited
const VARINT = 0;
const FIXED64 = 1;
const FIXED32 = 5;

const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE = 0x100;
const SPAN_FLAGS_CONTEXT_IS_REMOTE = 0x200;
const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

/** A growable byte buffer with the few protobuf primitives the span messages need. */
class Writer {
  buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  tag(field: number, wire: number): void {
    this.varint32((field << 3) | wire);
  }

  /** An unsigned value below 2^32. */
  varint32(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    let v = value >>> 0;
    while (v > 0x7f) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  /** Any integer in the int64 range (negative ones as two's complement, 10 bytes). */
  varint64(value: number): void {
    if (value >= 0 && value <= 0xffffffff) {
      this.varint32(value);
      return;
    }
    this.ensure(10);
    let low: number;
    let high: number;
    if (value >= 0) {
      low = value >>> 0;
      high = (value / 0x100000000) >>> 0;
    } else {
      const abs = -value;
      low = ~(abs >>> 0) >>> 0;
      high = ~((abs / 0x100000000) >>> 0) >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    const buf = this.buf;
    while (high > 0 || low > 0x7f) {
      buf[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[this.pos++] = low;
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  /** HrTime [seconds, nanos] as fixed64 nanoseconds, exact beyond 2^53 (split as upstream does). */
  hrTime(time: HrTime): void {
    this.ensure(8);
    const seconds = time[0];
    const nanos = time[1];
    const lowerNanos = (seconds & 0xffff) * 1e9;
    const upperNanos = ((seconds / 0x10000) >>> 0) * 1e9;
    const low = (lowerNanos >>> 0) + (((upperNanos & 0xffff) * 0x10000) >>> 0) + nanos;
    const high = Math.floor(lowerNanos / 0x100000000) + ((upperNanos / 0x10000) >>> 0) + Math.floor(low / 0x100000000);
    this.buf.writeUInt32LE(low >>> 0, this.pos);
    this.buf.writeUInt32LE(high >>> 0, this.pos + 4);
    this.pos += 8;
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** Length-prefixed UTF-8. */
  string(text: string): void {
    const length = text.length;
    // Worst case 3 bytes per UTF-16 unit, plus the length prefix.
    this.ensure(length * 3 + 5);
    const buf = this.buf;
    if (length < 128) {
      // Short strings (almost all keys and values): one length byte, then ASCII inline.
      const start = this.pos + 1;
      let i = 0;
      for (; i < length; i++) {
        const code = text.charCodeAt(i);
        if (code > 0x7f) break;
        buf[start + i] = code;
      }
      const written = i === length ? length : buf.write(text, start, 'utf8');
      if (written < 128) {
        buf[this.pos] = written;
        this.pos = start + written;
        return;
      }
      // Non-ASCII text that grew past 127 bytes: its length needs two bytes.
      buf.copyWithin(start + 1, start, start + written);
      buf[this.pos] = (written & 0x7f) | 0x80;
      buf[this.pos + 1] = written >>> 7;
      this.pos = start + 1 + written;
      return;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    this.varint32(bytes);
    this.pos += buf.write(text, this.pos, 'utf8');
  }

  /** A lowercase/uppercase hex id as raw bytes, length-prefixed. */
  hexBytes(hex: string): void {
    const bytes = hex.length >>> 1;
    this.ensure(bytes + 1);
    this.buf[this.pos++] = bytes;
    this.pos += this.buf.write(hex, this.pos, bytes, 'hex');
  }

  bytes(value: Uint8Array): void {
    this.varint32(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  raw(value: Uint8Array): void {
    const length = value.length;
    this.ensure(length);
    if (length > 32) {
      this.buf.set(value, this.pos);
      this.pos += length;
      return;
    }
    // Short copies (attribute keys): a loop beats TypedArray#set's call overhead.
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < length; i++) buf[pos++] = value[i];
    this.pos = pos;
  }

  /** Reserves `reserved` bytes for a length; returns where the message's content starts. */
  begin(reserved: number): number {
    this.ensure(reserved);
    this.pos += reserved;
    return this.pos;
  }

  /** Writes the length of the message that started at `start` (after `reserved` bytes), moving it if needed. */
  end(start: number, reserved: number): void {
    const length = this.pos - start;
    const needed = varintSize(length);
    const at = start - reserved;
    if (needed !== reserved) {
      this.ensure(needed - reserved);
      this.buf.copyWithin(at + needed, start, this.pos);
      this.pos += needed - reserved;
    }
    let v = length;
    let p = at;
    while (v > 0x7f) {
      this.buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[p] = v;
  }
}

function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/**
 * `key` (field 1 of KeyValue) as bytes, tag included. Attribute keys are a small, fixed set (the
 * instrumentations' semantic-convention names), so each is encoded once; past the limit, keys are
 * encoded in place, so unbounded cardinality costs no memory.
 */
const keyCache = new Map<string, Uint8Array>();
const KEY_CACHE_LIMIT = 4096;

function encodedKey(key: string): Uint8Array | undefined {
  const cached = keyCache.get(key);
  if (cached || keyCache.size >= KEY_CACHE_LIMIT) return cached;
  const w = new Writer(key.length * 3 + 8);
  w.tag(1, LEN);
  w.string(key);
  const bytes = new Uint8Array(w.buf.subarray(0, w.pos));
  keyCache.set(key, bytes);
  return bytes;
}

function writeAttributes(w: Writer, attributes: Attributes, field: number): void {
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    const value = attributes[key];
    w.tag(field, LEN);
    const kv = w.begin(1);
    const keyBytes = encodedKey(key);
    if (keyBytes) w.raw(keyBytes);
    else {
      w.tag(1, LEN);
      w.string(key);
    }
    w.tag(2, LEN);
    const any = w.begin(1);
    writeAnyValue(w, value);
    w.end(any, 1);
    w.end(kv, 1);
  }
}

function writeAnyValue(w: Writer, value: AttributeValue | undefined | null | unknown): void {
  switch (typeof value) {
    case 'string':
      w.tag(1, LEN);
      w.string(value);
      return;
    case 'boolean':
      w.tag(2, VARINT);
      w.varint32(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
        w.tag(3, VARINT);
        w.varint64(value);
      } else {
        w.tag(4, FIXED64);
        w.double(value);
      }
      return;
    default:
      break;
  }
  if (value instanceof Uint8Array) {
    w.tag(7, LEN);
    w.bytes(value);
  } else if (Array.isArray(value)) {
    w.tag(5, LEN);
    const array = w.begin(1);
    for (const item of value) {
      w.tag(1, LEN);
      const any = w.begin(1);
      writeAnyValue(w, item);
      w.end(any, 1);
    }
    w.end(array, 1);
  } else if (typeof value === 'object' && value !== null) {
    w.tag(6, LEN);
    const list = w.begin(1);
    writeAttributes(w, value as Attributes, 1);
    w.end(list, 1);
  }
}

function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE | (isRemote ? SPAN_FLAGS_CONTEXT_IS_REMOTE : 0);
}

/** trace_id, span_id and trace_state: fields 1-3 of both Span and Span.Link. */
function writeSpanContext(w: Writer, ctx: SpanContext): void {
  w.tag(1, LEN);
  w.hexBytes(ctx.traceId);
  w.tag(2, LEN);
  w.hexBytes(ctx.spanId);
  const traceState = ctx.traceState?.serialize();
  if (traceState) {
    w.tag(3, LEN);
    w.string(traceState);
  }
}

function writeSpan(w: Writer, span: ReadableSpan): void {
  const ctx = span.spanContext();
  writeSpanContext(w, ctx);
  const parent = span.parentSpanContext;
  if (parent?.spanId) {
    w.tag(4, LEN);
    w.hexBytes(parent.spanId);
  }
  w.tag(5, LEN);
  w.string(span.name);
  // The API's kinds start at INTERNAL = 0; OTLP's at UNSPECIFIED = 0.
  const kind = span.kind == null ? 0 : span.kind + 1;
  if (kind !== 0) {
    w.tag(6, VARINT);
    w.varint32(kind);
  }
  w.tag(7, FIXED64);
  w.hrTime(span.startTime);
  w.tag(8, FIXED64);
  w.hrTime(span.endTime);
  if (span.attributes) writeAttributes(w, span.attributes, 9);
  w.tag(10, VARINT);
  w.varint32(span.droppedAttributesCount);
  for (const event of span.events) {
    w.tag(11, LEN);
    const start = w.begin(1);
    w.tag(1, FIXED64);
    w.hrTime(event.time);
    w.tag(2, LEN);
    w.string(event.name);
    if (event.attributes) writeAttributes(w, event.attributes, 3);
    w.tag(4, VARINT);
    w.varint32(event.droppedAttributesCount || 0);
    w.end(start, 1);
  }
  w.tag(12, VARINT);
  w.varint32(span.droppedEventsCount);
  for (const link of span.links) {
    w.tag(13, LEN);
    const start = w.begin(1);
    const linked = link.context;
    writeSpanContext(w, linked);
    if (link.attributes) writeAttributes(w, link.attributes, 4);
    w.tag(5, VARINT);
    w.varint32(link.droppedAttributesCount || 0);
    w.tag(6, FIXED32);
    w.fixed32(spanFlags(linked.traceFlags, linked.isRemote));
    w.end(start, 1);
  }
  w.tag(14, VARINT);
  w.varint32(span.droppedLinksCount);
  w.tag(15, LEN);
  const status = w.begin(1);
  if (span.status.message) {
    w.tag(2, LEN);
    w.string(span.status.message);
  }
  w.tag(3, VARINT);
  w.varint32(span.status.code);
  w.end(status, 1);
  w.tag(16, FIXED32);
  w.fixed32(spanFlags(ctx.traceFlags, parent?.isRemote));
}

/** `resource` (field 1 of ResourceSpans) as bytes, tag included. */
function encodeResource(resource: Resource): Buffer {
  const w = new Writer(1024);
  w.tag(1, LEN);
  const start = w.begin(1);
  writeAttributes(w, resource.attributes, 1);
  w.tag(2, VARINT);
  w.varint32(0); // dropped_attributes_count
  w.end(start, 1);
  return Buffer.from(w.buf.subarray(0, w.pos));
}

/** `scope` (field 1 of ScopeSpans) as bytes, tag included. */
function encodeScope(scope: Scope): Buffer {
  const w = new Writer(256);
  w.tag(1, LEN);
  const start = w.begin(1);
  w.tag(1, LEN);
  w.string(scope.name);
  if (scope.version) {
    w.tag(2, LEN);
    w.string(scope.version);
  }
  const extra = scope as Scope & { attributes?: Attributes; droppedAttributesCount?: number };
  if (extra.attributes) writeAttributes(w, extra.attributes, 3);
  if (extra.droppedAttributesCount) {
    w.tag(4, VARINT);
    w.varint32(extra.droppedAttributesCount);
  }
  w.end(start, 1);
  return Buffer.from(w.buf.subarray(0, w.pos));
}

/**
 * Builds one ExportTraceServiceRequest a span at a time: each span is encoded when it is added, into
 * its instrumentation scope's buffer, so the span object can be collected at once instead of waiting
 * in a queue until its batch is exported. `finish` wraps the buffers in their ResourceSpans and
 * ScopeSpans, grouped by resource and scope in first-seen order, as upstream's serializer does.
 */
export class SpanBatchBuilder {
  private readonly byResource = new Map<Resource, Map<Scope, Writer>>();
  private spans = 0;

  constructor(private readonly cache: EncodedParts = new EncodedParts()) {}

  /** Spans added so far. */
  get count(): number {
    return this.spans;
  }

  /** Encodes `span` into the batch; throws (leaving the batch unchanged) if it cannot be encoded. */
  add(span: ReadableSpan): void {
    let byScope = this.byResource.get(span.resource);
    if (!byScope) {
      byScope = new Map();
      this.byResource.set(span.resource, byScope);
    }
    let w = byScope.get(span.instrumentationScope);
    if (!w) {
      w = new Writer(4096);
      byScope.set(span.instrumentationScope, w);
    }
    const mark = w.pos;
    try {
      w.tag(2, LEN);
      // Most spans encode to 128..16383 bytes: two length bytes, no move.
      const start = w.begin(2);
      writeSpan(w, span);
      w.end(start, 2);
    } catch (error) {
      // Leaves the batch as it was: a span that cannot be encoded must not corrupt the others.
      w.pos = mark;
      throw error;
    }
    this.spans++;
  }

  /** The request's bytes. The builder must not be used afterwards. */
  finish(): Uint8Array {
    let size = 0;
    for (const byScope of this.byResource.values()) {
      for (const w of byScope.values()) size += w.pos + 512;
    }
    const w = new Writer(size + 1024);
    for (const [resource, byScope] of this.byResource) {
      w.tag(1, LEN);
      const resourceSpans = w.begin(3);
      w.raw(this.cache.resource(resource));
      for (const [scope, spans] of byScope) {
        w.tag(2, LEN);
        const scopeSpans = w.begin(3);
        w.raw(this.cache.scope(scope));
        w.raw(spans.buf.subarray(0, spans.pos));
        if (scope.schemaUrl) {
          w.tag(3, LEN);
          w.string(scope.schemaUrl);
        }
        w.end(scopeSpans, 3);
      }
      if (resource.schemaUrl) {
        w.tag(3, LEN);
        w.string(resource.schemaUrl);
      }
      w.end(resourceSpans, 3);
    }
    this.byResource.clear();
    return w.buf.subarray(0, w.pos);
  }
}

/** The encoded resources and scopes, once per process rather than once per batch. */
export class EncodedParts {
  private readonly resources = new WeakMap<Resource, Buffer>();
  private readonly scopes = new WeakMap<Scope, Buffer>();

  resource(resource: Resource): Buffer {
    return cached(this.resources, resource, encodeResource);
  }

  scope(scope: Scope): Buffer {
    return cached(this.scopes, scope, encodeScope);
  }
}

function cached<K extends object>(cache: WeakMap<K, Buffer>, key: K, encode: (key: K) => Buffer): Buffer {
  let bytes = cache.get(key);
  if (!bytes) {
    bytes = encode(key);
    cache.set(key, bytes);
  }
  return bytes;
}
