import assert from 'node:assert/strict';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { encodeRetryStatus } from '../../src/index';

// google/rpc/status.proto, google/rpc/error_details.proto (RetryInfo) and Duration, as gRPC
// clients decode the grpc-status-details-bin trailer.
const root = protobuf.parse(`
syntax = "proto3";
message Any { string type_url = 1; bytes value = 2; }
message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
message Duration { int64 seconds = 1; int32 nanos = 2; }
message RetryInfo { Duration retry_delay = 1; }
`).root;

test('a throttled export status carries RetryInfo with the delay', () => {
  const message = 'tenant "default" is over its ingest rate '.repeat(5);
  const status = root.lookupType('Status').decode(encodeRetryStatus(8, message, 1)) as unknown as {
    code: number;
    message: string;
    details: { typeUrl: string; value: Uint8Array }[];
  };
  assert.equal(status.code, 8);
  assert.equal(status.message, message);
  assert.equal(status.details.length, 1);
  assert.equal(status.details[0]!.typeUrl, 'type.googleapis.com/google.rpc.RetryInfo');
  const retryInfo = root.lookupType('RetryInfo').decode(status.details[0]!.value) as unknown as {
    retryDelay: { seconds: number };
  };
  assert.equal(Number(retryInfo.retryDelay.seconds), 1);
});
