// Cross-checks the hand-written protobuf reader and writer against protobufjs driven by the
// schemas in testdata/proto (written from the public field numbers), in both directions:
//   bytes -> protobufjs -> OTLP/JSON -> decode('json')  ==  bytes -> decode('protobuf')
//   records -> encode*Data -> protobufjs must parse it, and records -> OTLP/JSON -> protobufjs
//   encode -> decode('protobuf') == records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import {
  decodeLogs,
  decodeMetrics,
  decodeTraces,
  encodeLogsData,
  encodeMetricsData,
  encodeTracesData,
  logsToLogsData,
  metricsToMetricsData,
  spansToTracesData,
} from '../../src/index';
import { capturedBody } from '../support/captured';
import { randomLogs, randomMetricBatch, randomSpans } from '../support/generate';
import { Random } from '../support/random';
import { regrouped, sortedBatch } from '../support/regroup';

const protoDir = new URL('../../testdata/proto/', import.meta.url).pathname;
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => protoDir + target.replace(/^.*\//, '');
root.loadSync(['trace.proto', 'logs.proto', 'metrics.proto']);
const TracesData = root.lookupType('opentelemetry.proto.trace.v1.TracesData');
const LogsData = root.lookupType('opentelemetry.proto.logs.v1.LogsData');
const MetricsData = root.lookupType('opentelemetry.proto.metrics.v1.MetricsData');

/** protobufjs' proto3-JSON-like view of the bytes: camelCase, int64 as strings, bytes (ids too) as base64. */
function viaProtobufjs(type: protobuf.Type, body: Uint8Array): Buffer {
  const message = type.decode(body);
  assert.equal(type.verify(message), null);
  return Buffer.from(
    JSON.stringify(type.toObject(message, { longs: String, enums: Number, bytes: String, json: true })),
  );
}

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** OTLP/JSON ids are hex; protobufjs reads bytes from base64. */
function hexIdsToBase64(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hexIdsToBase64);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      ID_KEYS.has(k) && typeof v === 'string' ? Buffer.from(v, 'hex').toString('base64') : hexIdsToBase64(v),
    ]),
  );
}

function encodedByProtobufjs(type: protobuf.Type, otlpJson: unknown): Uint8Array {
  return type.encode(type.fromObject(hexIdsToBase64(otlpJson) as Record<string, unknown>)).finish();
}

describe('protobufjs cross-check on the captured payloads', () => {
  for (const protocol of ['proto', 'grpc'] as const) {
    it(`traces (${protocol})`, () => {
      const { body } = capturedBody('traces', protocol);
      const ours = decodeTraces(body, 'protobuf');
      assert.deepStrictEqual(decodeTraces(viaProtobufjs(TracesData, body), 'json'), ours);
      const spans = (
        TracesData.toObject(TracesData.decode(body), { bytes: String }) as {
          resourceSpans: { scopeSpans: { spans: { traceId: string; spanId: string }[] }[] }[];
        }
      ).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
      assert.deepEqual(
        spans.map((s) => Buffer.from(s.spanId, 'base64').toString('hex')),
        ours.records.map((r) => r.SpanId),
      );
    });

    it(`logs (${protocol})`, () => {
      const { body } = capturedBody('logs', protocol);
      assert.deepStrictEqual(decodeLogs(viaProtobufjs(LogsData, body), 'json'), decodeLogs(body, 'protobuf'));
    });

    it(`metrics (${protocol})`, () => {
      const { body } = capturedBody('metrics', protocol);
      assert.deepStrictEqual(decodeMetrics(viaProtobufjs(MetricsData, body), 'json'), decodeMetrics(body, 'protobuf'));
    });
  }
});

describe('protobufjs cross-check on generated payloads', () => {
  const SEEDS = Array.from({ length: 40 }, (_, i) => 1000 + i);

  it('spans', () => {
    for (const seed of SEEDS) {
      const spans = randomSpans(new Random(seed), 1 + (seed % 6));
      const expected = { records: regrouped(spans), rejected: 0, rejectionMessage: '' };
      assert.deepStrictEqual(
        decodeTraces(viaProtobufjs(TracesData, encodeTracesData(spans)), 'json'),
        expected,
        `seed ${seed}`,
      );
      const bytes = encodedByProtobufjs(TracesData, spansToTracesData(spans));
      assert.deepStrictEqual(decodeTraces(bytes, 'protobuf'), expected, `seed ${seed}`);
    }
  });

  it('log records', () => {
    for (const seed of SEEDS) {
      const logs = randomLogs(new Random(seed), 1 + (seed % 6));
      const expected = { records: regrouped(logs), rejected: 0, rejectionMessage: '' };
      assert.deepStrictEqual(
        decodeLogs(viaProtobufjs(LogsData, encodeLogsData(logs)), 'json'),
        expected,
        `seed ${seed}`,
      );
      const bytes = encodedByProtobufjs(LogsData, logsToLogsData(logs));
      assert.deepStrictEqual(decodeLogs(bytes, 'protobuf'), expected, `seed ${seed}`);
    }
  });

  it('metrics', () => {
    for (const seed of SEEDS) {
      const batch = randomMetricBatch(new Random(seed));
      const viaPbjs = decodeMetrics(viaProtobufjs(MetricsData, encodeMetricsData(batch)), 'json');
      assert.equal(viaPbjs.rejected, 0);
      assert.deepStrictEqual(sortedBatch(viaPbjs.records), sortedBatch(batch), `seed ${seed}`);
      const bytes = encodedByProtobufjs(MetricsData, metricsToMetricsData(batch));
      assert.deepStrictEqual(sortedBatch(decodeMetrics(bytes, 'protobuf').records), sortedBatch(batch), `seed ${seed}`);
    }
  });
});
