// Fuzzing of the three decoders in both formats: random bytes, random JSON, and mutations (bit
// flips, truncation, splices, corrupted lengths, structural JSON edits) of valid payloads, some
// captured from the official exporters, some generated. A case passes when the decoder returns
// or throws OtlpDecodeError quickly, and what it returned re-encodes and decodes to the same
// records. Deterministic for a given seed.
import { readdirSync, readFileSync } from 'node:fs';
import {
  type Decoded,
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  encodeLogsData,
  encodeMetricsData,
  encodeTracesData,
  logsToLogsData,
  type MetricBatch,
  metricsToMetricsData,
  OtlpDecodeError,
  spansToTracesData,
  type WireFormat,
} from '../../src/index';
import { randomLogs, randomMetricBatch, randomSpans } from './generate';
import { Random } from './random';

type Signal = 'traces' | 'logs' | 'metrics';
const SIGNALS: Signal[] = ['traces', 'logs', 'metrics'];

interface Seed {
  signal: Signal;
  format: WireFormat;
  body: Uint8Array;
}

interface Codec {
  decode(body: Uint8Array, format: WireFormat): Decoded<unknown>;
  encode(records: unknown, format: WireFormat): Uint8Array;
}

const json = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value)));

const CODECS: Record<Signal, Codec> = {
  traces: {
    decode: decodeTraces,
    encode: (r, f) => (f === 'json' ? json(spansToTracesData(r as never)) : encodeTracesData(r as never)),
  },
  logs: {
    decode: decodeLogs,
    encode: (r, f) => (f === 'json' ? json(logsToLogsData(r as never)) : encodeLogsData(r as never)),
  },
  metrics: {
    decode: decodeMetrics,
    encode: (r, f) => (f === 'json' ? json(metricsToMetricsData(r as never)) : encodeMetricsData(r as never)),
  },
};

export interface FuzzStats {
  cases: number;
  crashes: number;
  decodeErrors: number;
  partial: number;
  ok: number;
  slow: number;
  /** The slowest single decode, pauses included. */
  maxDecodeMs: number;
  elapsedS: number;
  /** Descriptions of the first few failures, to reproduce them. */
  failures: string[];
}

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** A decode slower than this counts as a failure (a hang, in practice). */
  slowMs?: number;
  /** Called with each failing case, e.g. to save it for a regression test. */
  onFailure?: (signal: Signal, format: WireFormat, body: Uint8Array, problem: string) => void;
}

function seeds(): Seed[] {
  const out: Seed[] = [];
  const testdata = new URL('../../testdata/', import.meta.url);
  for (const file of readdirSync(testdata)) {
    const match = /^(traces|logs|metrics)\.(proto|grpc|json)\.(bin|json)$/.exec(file);
    if (!match) continue;
    out.push({
      signal: match[1] as Signal,
      format: match[2] === 'json' ? 'json' : 'protobuf',
      body: new Uint8Array(readFileSync(new URL(file, testdata))),
    });
  }
  const rnd = new Random(99);
  for (let i = 0; i < 6; i++) {
    const records: Record<Signal, unknown> = {
      traces: randomSpans(rnd, 1 + i),
      logs: randomLogs(rnd, 1 + i),
      metrics: randomMetricBatch(rnd),
    };
    for (const signal of SIGNALS) {
      for (const format of ['protobuf', 'json'] as const) {
        out.push({ signal, format, body: CODECS[signal].encode(records[signal], format) });
      }
    }
  }
  return out;
}

// ---- byte mutations --------------------------------------------------------------------------

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x12, 0x08];

function varintBytes(rnd: Random): number[] {
  let v = rnd.pick([0, 1, 127, 128, 2 ** 14, 2 ** 31, 2 ** 32 - 1, rnd.int(2 ** 32)]);
  const out: number[] = [];
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function mutateBytes(rnd: Random, input: Uint8Array, others: readonly Seed[]): Uint8Array {
  let b = Array.from(input);
  const rounds = rnd.chance(0.5) ? 1 : 2 + rnd.int(3);
  for (let i = 0; i < rounds; i++) {
    const at = rnd.int(b.length + 1);
    switch (rnd.int(8)) {
      case 0: // bit flips
        for (let n = 1 + rnd.int(8); n > 0 && b.length > 0; n--) b[rnd.int(b.length)] ^= 1 << rnd.int(8);
        break;
      case 1:
        if (b.length > 0) b[rnd.int(b.length)] = rnd.pick(INTERESTING);
        break;
      case 2: // truncation
        b = b.slice(0, at);
        break;
      case 3: // insertion of random bytes
        b.splice(at, 0, ...rnd.bytes(1 + rnd.int(16)));
        break;
      case 4: // deletion
        b.splice(at, 1 + rnd.int(16));
        break;
      case 5: {
        // duplicate a range
        const len = rnd.int(64);
        b.splice(at, 0, ...b.slice(at, at + len));
        break;
      }
      case 6: {
        // splice in a slice of another payload
        const other = rnd.pick(others).body;
        const from = rnd.int(other.length + 1);
        b.splice(at, rnd.int(32), ...other.slice(from, from + rnd.int(256)));
        break;
      }
      default:
        // corrupt a length (or any varint): overwrite with a new varint
        b.splice(at, 1 + rnd.int(2), ...varintBytes(rnd));
    }
  }
  return Uint8Array.from(b);
}

// ---- JSON mutations --------------------------------------------------------------------------

const KEYS = [
  'resourceSpans',
  'resource_spans',
  'scopeSpans',
  'spans',
  'resource',
  'scope',
  'traceId',
  'spanId',
  'parentSpanId',
  'name',
  'kind',
  'attributes',
  'key',
  'value',
  'stringValue',
  'intValue',
  'doubleValue',
  'boolValue',
  'bytesValue',
  'arrayValue',
  'kvlistValue',
  'values',
  'events',
  'links',
  'status',
  'code',
  'startTimeUnixNano',
  'endTimeUnixNano',
  'timeUnixNano',
  'flags',
  'resourceLogs',
  'scopeLogs',
  'logRecords',
  'body',
  'severityNumber',
  'resourceMetrics',
  'scopeMetrics',
  'metrics',
  'gauge',
  'sum',
  'histogram',
  'exponentialHistogram',
  'summary',
  'dataPoints',
  'asInt',
  'asDouble',
  'exemplars',
  'bucketCounts',
  'explicitBounds',
  'positive',
  'negative',
  'quantileValues',
  'count',
  'aggregationTemporality',
  'isMonotonic',
  'droppedAttributesCount',
  'metadata',
  'scale',
  'offset',
];
const STRINGS = [
  '',
  '0',
  '-1',
  '18446744073709551616',
  '9223372036854775808',
  '5b8efff798038103d269b633813fc60c',
  'eee19b7ec3c1b174',
  'W47/95gDgQPSabYzgT/GDA==',
  '7uGbfsPBsXQ=',
  'NaN',
  'Infinity',
  '1e3',
  'SPAN_KIND_SERVER',
  'STATUS_CODE_ERROR',
  '!!',
  '\ud800',
  'ü',
];

function randomJson(rnd: Random, depth: number): unknown {
  const r = rnd.int(depth > 4 ? 6 : 9);
  switch (r) {
    case 0:
      return null;
    case 1:
      return rnd.chance(0.5);
    case 2:
      return rnd.pick([0, -1, 1.5, 2 ** 53, 2 ** 64, -(2 ** 63), 1e308, 4294967296, 0.1]);
    case 3:
    case 4:
      return rnd.pick(STRINGS);
    case 5:
      return rnd.string(8);
    case 6:
    case 7: {
      const obj: Record<string, unknown> = {};
      for (let n = rnd.int(4); n > 0; n--) obj[rnd.pick(KEYS)] = randomJson(rnd, depth + 1);
      return obj;
    }
    default:
      return Array.from({ length: rnd.int(4) }, () => randomJson(rnd, depth + 1));
  }
}

/** Replaces, deletes or deepens one random node of a parsed OTLP/JSON document. */
function mutateJson(rnd: Random, doc: unknown): unknown {
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        nodes.push({ parent: node, key: i });
        walk(child);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const [k, child] of Object.entries(node)) {
        nodes.push({ parent: node as Record<string, unknown>, key: k });
        walk(child);
      }
    }
  };
  walk(doc);
  if (nodes.length === 0) return randomJson(rnd, 0);
  for (let n = 1 + rnd.int(3); n > 0; n--) {
    const { parent, key } = rnd.pick(nodes);
    const target = parent as Record<string | number, unknown>;
    switch (rnd.int(5)) {
      case 0:
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete target[key];
        break;
      case 1: {
        let deep: unknown = { stringValue: 'x' };
        for (let d = rnd.int(60); d > 0; d--)
          deep = rnd.chance(0.5)
            ? { arrayValue: { values: [deep] } }
            : { kvlistValue: { values: [{ key: 'k', value: deep }] } };
        target[key] = deep;
        break;
      }
      case 2:
        target[key] = [target[key]];
        break;
      default:
        target[key] = randomJson(rnd, 2);
    }
  }
  return doc;
}

// ---- the run ---------------------------------------------------------------------------------

/**
 * Records in an order-free, -0/NaN-safe form: encoders regroup records (and may reorder the
 * keys of a map), and JSON has no -0.
 */
function canonical(records: unknown): string[] {
  const text = (v: unknown) =>
    JSON.stringify(v, (_k, x) => {
      if (typeof x === 'number') return Number.isFinite(x) ? x + 0 : `${x}!`;
      if (x === null || typeof x !== 'object' || Array.isArray(x)) return x;
      return Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    });
  if (Array.isArray(records)) return records.map(text).sort();
  const batch = records as MetricBatch;
  return Object.entries(batch)
    .flatMap(([kind, points]) => points.map((p: unknown) => kind + text(p)))
    .sort();
}

function makeCase(
  rnd: Random,
  corpus: readonly Seed[],
): { signal: Signal; format: WireFormat; body: Uint8Array; kind: string } {
  const r = rnd.next();
  const signal = rnd.pick(SIGNALS);
  if (r < 0.08) {
    return {
      signal,
      format: rnd.chance(0.5) ? 'protobuf' : 'json',
      body: rnd.bytes(rnd.int(300)),
      kind: 'random-bytes',
    };
  }
  if (r < 0.16) return { signal, format: 'json', body: json(randomJson(rnd, 0)), kind: 'random-json' };
  if (r < 0.3) {
    // Valid but unusual: fresh random records in either format, at most one bit flipped.
    const format = rnd.chance(0.5) ? 'protobuf' : 'json';
    const records =
      signal === 'traces'
        ? randomSpans(rnd, 1 + rnd.int(4))
        : signal === 'logs'
          ? randomLogs(rnd, 1 + rnd.int(4))
          : randomMetricBatch(rnd);
    const body = CODECS[signal].encode(records, format);
    if (rnd.chance(0.5) && body.length > 0) body[rnd.int(body.length)] ^= 1 << rnd.int(8);
    return { signal, format, body, kind: 'generated' };
  }
  const seed = rnd.pick(corpus);
  // Now and then feed one signal's payload to another signal's decoder.
  const target = rnd.chance(0.1) ? signal : seed.signal;
  if (seed.format === 'json' && r < 0.45) {
    const doc = JSON.parse(Buffer.from(seed.body).toString());
    return { signal: target, format: 'json', body: json(mutateJson(rnd, doc)), kind: 'json-mutation' };
  }
  return { signal: target, format: seed.format, body: mutateBytes(rnd, seed.body, corpus), kind: 'byte-mutation' };
}

function bestOfThree(decode: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    try {
      decode();
    } catch {}
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export function runFuzz(options: FuzzOptions): FuzzStats {
  const slowMs = options.slowMs ?? 250;
  const corpus = seeds();
  const rnd = new Random(options.seed);
  const stats: FuzzStats = {
    cases: 0,
    crashes: 0,
    decodeErrors: 0,
    partial: 0,
    ok: 0,
    slow: 0,
    maxDecodeMs: 0,
    elapsedS: 0,
    failures: [],
  };
  const started = performance.now();
  for (let i = 0; i < options.cases; i++) {
    const c = makeCase(rnd, corpus);
    const codec = CODECS[c.signal];
    const fail = (what: string) => {
      stats.crashes++;
      options.onFailure?.(c.signal, c.format, c.body, what);
      if (stats.failures.length < 5) {
        stats.failures.push(
          `case ${i} (${c.kind}, ${c.signal}/${c.format}): ${what}; body base64 ${Buffer.from(c.body).toString('base64').slice(0, 2000)}`,
        );
      }
    };
    stats.cases++;
    const t0 = performance.now();
    let decoded: Decoded<unknown>;
    try {
      decoded = codec.decode(c.body, c.format);
    } catch (error) {
      if (error instanceof OtlpDecodeError) stats.decodeErrors++;
      else fail(`threw ${error instanceof Error ? error.stack : String(error)}`);
      continue;
    } finally {
      const ms = performance.now() - t0;
      stats.maxDecodeMs = Math.max(stats.maxDecodeMs, ms);
      // A GC pause or a busy machine can stall any one call: only a case that is slow every
      // time is a hang.
      if (ms > slowMs && bestOfThree(() => codec.decode(c.body, c.format)) > slowMs) {
        stats.slow++;
        fail(`decode took ${ms.toFixed(0)} ms`);
      }
    }
    if (decoded.rejected > 0) stats.partial++;
    else stats.ok++;
    try {
      const again = codec.decode(codec.encode(decoded.records, c.format), c.format);
      if (again.rejected !== 0) fail(`re-encoded records were rejected: ${again.rejectionMessage}`);
      else if (JSON.stringify(canonical(again.records)) !== JSON.stringify(canonical(decoded.records))) {
        fail('re-encoded records decode differently');
      }
    } catch (error) {
      fail(`re-encoding threw ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  stats.elapsedS = (performance.now() - started) / 1000;
  return stats;
}

export function formatStats(s: FuzzStats): string {
  return `fuzz: cases=${s.cases} crashes=${s.crashes} decode_errors=${s.decodeErrors} partial=${s.partial} ok=${s.ok} slow=${s.slow} max_decode_ms=${s.maxDecodeMs.toFixed(1)} elapsed_s=${s.elapsedS.toFixed(1)}`;
}
