/**
 * Prometheus remote write 1.0: a `prometheus.WriteRequest` protobuf, snappy block-compressed.
 * Only what the derived metrics need: time series with one sample and their exemplars.
 */
import type { LabelPairs } from '../exposition/format';

export interface RemoteWriteSeries {
  /** Including `__name__`; sorted by name when encoded. */
  labels: LabelPairs;
  value: number;
  timestampMs: number;
  exemplars?: { labels: LabelPairs; value: number; timestampMs: number }[];
}

class Writer {
  private chunks: number[] = [];

  varint(n: number): void {
    // Non-negative integers up to 2^53 (ms timestamps); no bit operations past 32 bits.
    let v = Math.max(0, Math.trunc(n));
    while (v >= 0x80) {
      this.chunks.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.chunks.push(v);
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.varint(data.length);
    for (const b of data) this.chunks.push(b);
  }

  string(field: number, s: string): void {
    this.bytes(field, Buffer.from(s, 'utf8'));
  }

  double(field: number, v: number): void {
    this.tag(field, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    for (const x of b) this.chunks.push(x);
  }

  int64(field: number, v: number): void {
    this.tag(field, 0);
    this.varint(v);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

const sorted = (labels: LabelPairs) => [...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function labelsMessage(w: Writer, field: number, labels: LabelPairs): void {
  for (const [name, value] of sorted(labels)) {
    const l = new Writer();
    l.string(1, name);
    l.string(2, value);
    w.bytes(field, l.finish());
  }
}

export function encodeWriteRequest(series: readonly RemoteWriteSeries[]): Uint8Array {
  const req = new Writer();
  for (const s of series) {
    const ts = new Writer();
    labelsMessage(ts, 1, s.labels);
    const sample = new Writer();
    sample.double(1, s.value);
    sample.int64(2, s.timestampMs);
    ts.bytes(2, sample.finish());
    for (const e of s.exemplars ?? []) {
      const ex = new Writer();
      labelsMessage(ex, 1, e.labels);
      ex.double(2, e.value);
      ex.int64(3, e.timestampMs);
      ts.bytes(3, ex.finish());
    }
    req.bytes(1, ts.finish());
  }
  return req.finish();
}

/**
 * Snappy block format with literals only: the uncompressed length, then literal chunks.
 * Every snappy decoder reads it; the derived series are small, so compression is not
 * worth a native dependency.
 */
export function snappyLiteralBlock(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let n = data.length;
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  for (let pos = 0; pos < data.length; pos += 65536) {
    const len = Math.min(65536, data.length - pos);
    const m = len - 1;
    if (m < 60) out.push(m << 2);
    else if (m < 256) out.push(60 << 2, m);
    else out.push(61 << 2, m & 0xff, m >>> 8);
    for (let i = pos; i < pos + len; i++) out.push(data[i]!);
  }
  return Uint8Array.from(out);
}
