import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeExportResponse } from '@tracehouse/otlp';
import { partialSuccessFromJson, partialSuccessFromProtobuf } from '../../src/send/partial-success';

describe('partial success', () => {
  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    it(`reads ${signal} responses in protobuf and JSON`, () => {
      const pb = encodeExportResponse(signal, 'protobuf', 7, 'seven were bad');
      assert.deepEqual(partialSuccessFromProtobuf(pb), { rejected: 7, message: 'seven were bad' });
      const json = Buffer.from(encodeExportResponse(signal, 'json', 3, 'three')).toString('utf8');
      assert.deepEqual(partialSuccessFromJson(json), { rejected: 3, message: 'three' });
    });
  }

  it('reads a full success, an empty body and numbers or strings', () => {
    assert.deepEqual(partialSuccessFromProtobuf(new Uint8Array()), { rejected: 0, message: '' });
    assert.deepEqual(partialSuccessFromProtobuf(encodeExportResponse('traces', 'protobuf', 0, '')), {
      rejected: 0,
      message: '',
    });
    assert.deepEqual(partialSuccessFromJson(''), { rejected: 0, message: '' });
    assert.deepEqual(partialSuccessFromJson('{}'), { rejected: 0, message: '' });
    assert.deepEqual(partialSuccessFromJson('{"partialSuccess":{"rejectedLogRecords":2}}'), {
      rejected: 2,
      message: '',
    });
  });
});
