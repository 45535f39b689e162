import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { encodeExportResponse } from '../../src/index';

const root = protobuf.loadSync(new URL('../../testdata/proto/collector.proto', import.meta.url).pathname);
const response = (name: string, body: Uint8Array) =>
  root
    .lookupType(`opentelemetry.proto.collector.v1.${name}`)
    .toObject(root.lookupType(`opentelemetry.proto.collector.v1.${name}`).decode(body), { longs: String });

describe('encodeExportResponse', () => {
  it('protobuf partial_success for each signal', () => {
    assert.deepEqual(
      response('ExportTraceServiceResponse', encodeExportResponse('traces', 'protobuf', 2, '2 spans rejected: x')),
      {
        partialSuccess: { rejectedSpans: '2', errorMessage: '2 spans rejected: x' },
      },
    );
    assert.deepEqual(response('ExportLogsServiceResponse', encodeExportResponse('logs', 'protobuf', 300, 'ünï')), {
      partialSuccess: { rejectedLogRecords: '300', errorMessage: 'ünï' },
    });
    assert.deepEqual(
      response('ExportMetricsServiceResponse', encodeExportResponse('metrics', 'protobuf', 2 ** 40, '')),
      {
        partialSuccess: { rejectedDataPoints: String(2 ** 40) },
      },
    );
    assert.deepEqual(
      response('ExportMetricsServiceResponse', encodeExportResponse('metrics', 'protobuf', 0, 'a warning')),
      {
        partialSuccess: { errorMessage: 'a warning' },
      },
    );
  });

  it('an empty message when everything was accepted', () => {
    assert.equal(encodeExportResponse('traces', 'protobuf', 0, '').length, 0);
    assert.equal(Buffer.from(encodeExportResponse('logs', 'json', 0, '')).toString(), '{}');
  });

  it('JSON uses camelCase and int64 as a string', () => {
    const parse = (b: Uint8Array) => JSON.parse(Buffer.from(b).toString());
    assert.deepEqual(parse(encodeExportResponse('traces', 'json', 3, 'm')), {
      partialSuccess: { rejectedSpans: '3', errorMessage: 'm' },
    });
    assert.deepEqual(parse(encodeExportResponse('logs', 'json', 1, '')), {
      partialSuccess: { rejectedLogRecords: '1' },
    });
    assert.deepEqual(parse(encodeExportResponse('metrics', 'json', 0, 'w')), { partialSuccess: { errorMessage: 'w' } });
  });
});
