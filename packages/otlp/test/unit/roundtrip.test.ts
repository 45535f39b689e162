import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
import { randomLogs, randomMetricBatch, randomSpans } from '../support/generate';
import { Random } from '../support/random';
import { regrouped, sortedBatch } from '../support/regroup';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);

describe('decode(encode(records)) == records', () => {
  it('spans, protobuf and JSON', () => {
    for (const seed of SEEDS) {
      const spans = randomSpans(new Random(seed), 1 + (seed % 7));
      const expected = { records: regrouped(spans), rejected: 0, rejectionMessage: '' };
      assert.deepStrictEqual(decodeTraces(encodeTracesData(spans), 'protobuf'), expected, `seed ${seed}`);
      assert.deepStrictEqual(decodeTraces(json(spansToTracesData(spans)), 'json'), expected, `seed ${seed}`);
    }
  });

  it('log records, protobuf and JSON', () => {
    for (const seed of SEEDS) {
      const logs = randomLogs(new Random(seed), 1 + (seed % 7));
      const expected = { records: regrouped(logs), rejected: 0, rejectionMessage: '' };
      assert.deepStrictEqual(decodeLogs(encodeLogsData(logs), 'protobuf'), expected, `seed ${seed}`);
      assert.deepStrictEqual(decodeLogs(json(logsToLogsData(logs)), 'json'), expected, `seed ${seed}`);
    }
  });

  it('metric data points of every type, protobuf and JSON', () => {
    for (const seed of SEEDS) {
      const batch = randomMetricBatch(new Random(seed));
      const fromProtobuf = decodeMetrics(encodeMetricsData(batch), 'protobuf');
      const fromJson = decodeMetrics(json(metricsToMetricsData(batch)), 'json');
      for (const decoded of [fromProtobuf, fromJson]) {
        assert.equal(decoded.rejected, 0, `seed ${seed}`);
        assert.deepStrictEqual(sortedBatch(decoded.records), sortedBatch(batch), `seed ${seed}`);
      }
    }
  });

  it('an empty batch encodes to an empty request and back', () => {
    assert.equal(encodeTracesData([]).length, 0);
    assert.deepStrictEqual(spansToTracesData([]), { resourceSpans: [] });
    assert.deepStrictEqual(decodeTraces(new Uint8Array(0), 'protobuf'), {
      records: [],
      rejected: 0,
      rejectionMessage: '',
    });
    // An empty JSON request is `{}` (zero bytes are not JSON: see json-decoder.test.ts).
    assert.deepStrictEqual(decodeLogs(new TextEncoder().encode('{}'), 'json'), {
      records: [],
      rejected: 0,
      rejectionMessage: '',
    });
    const empty = { gauge: [], sum: [], histogram: [], expHistogram: [], summary: [] };
    assert.deepStrictEqual(decodeMetrics(encodeMetricsData(empty), 'protobuf').records, empty);
  });
});
