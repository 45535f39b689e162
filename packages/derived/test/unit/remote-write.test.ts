import assert from 'node:assert/strict';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { encodeWriteRequest, snappyLiteralBlock } from '../../src/index';

// prometheus/prompb types.proto, the parts remote write 1.0 uses.
const root = protobuf.parse(`syntax = "proto3"; package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message Exemplar { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }`).root;

test('WriteRequest decodes with protobufjs: sorted labels, sample, exemplar', () => {
  const bytes = encodeWriteRequest([
    {
      labels: [
        ['__name__', 'traces_spanmetrics_latency_bucket'],
        ['service', 'api'],
        ['le', '0.004'],
      ],
      value: 3,
      timestampMs: 1_763_700_000_123,
      exemplars: [
        {
          labels: [
            ['trace_id', '4bf92f3577b34da6a3ce929d0e0e4736'],
            ['span_id', '00f067aa0ba902b7'],
          ],
          value: 0.0035,
          timestampMs: 1_763_700_000_001,
        },
      ],
    },
  ]);
  const req = root
    .lookupType('prometheus.WriteRequest')
    .toObject(root.lookupType('prometheus.WriteRequest').decode(bytes), {
      longs: Number,
    });
  const [ts] = req.timeseries;
  assert.deepEqual(
    ts.labels.map((l: { name: string }) => l.name),
    ['__name__', 'le', 'service'],
  );
  assert.deepEqual(ts.samples, [{ value: 3, timestamp: 1_763_700_000_123 }]);
  assert.equal(ts.exemplars[0].value, 0.0035);
  assert.equal(ts.exemplars[0].timestamp, 1_763_700_000_001);
  assert.equal(
    ts.exemplars[0].labels.find((l: { name: string }) => l.name === 'trace_id').value,
    '4bf92f3577b34da6a3ce929d0e0e4736',
  );
});

/** A snappy block decoder (literals and copies), as the format describes it. */
function unsnappy(b: Uint8Array): Uint8Array {
  let pos = 0;
  let len = 0;
  for (let shift = 0; ; shift += 7) {
    const x = b[pos++]!;
    len += (x & 0x7f) * 2 ** shift;
    if (x < 0x80) break;
  }
  const out: number[] = [];
  while (pos < b.length) {
    const tag = b[pos++]!;
    assert.equal(tag & 3, 0, 'literal');
    let n = tag >> 2;
    if (n === 60) n = b[pos++]!;
    else if (n === 61) {
      n = b[pos]! | (b[pos + 1]! << 8);
      pos += 2;
    }
    n += 1;
    for (let i = 0; i < n; i++) out.push(b[pos++]!);
  }
  assert.equal(out.length, len);
  return Uint8Array.from(out);
}

test('snappy literal blocks round-trip for short, medium and chunked inputs', () => {
  for (const size of [0, 1, 59, 60, 255, 256, 65536, 150_000]) {
    const data = Uint8Array.from({ length: size }, (_, i) => (i * 7) % 251);
    assert.deepEqual(unsnappy(snappyLiteralBlock(data)), data, `size ${size}`);
  }
});
