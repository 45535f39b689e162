import { ProtoWriter } from './wire/proto-writer';

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * A `google.rpc.Status` with a `google.rpc.RetryInfo` detail, for the `grpc-status-details-bin`
 * trailer of a throttled OTLP/gRPC export. OTLP says a RESOURCE_EXHAUSTED without RetryInfo means
 * the server cannot recover, so clients such as the Collector's otlp exporter drop the data;
 * with it they retry after the delay.
 */
export function encodeRetryStatus(code: number, message: string, retryDelaySeconds: number): Uint8Array {
  const w = new ProtoWriter(128 + message.length * 3);
  w.uint32Field(1, code);
  w.stringField(2, message);
  const any = w.begin(3);
  w.stringField(1, RETRY_INFO_TYPE);
  const retryInfo = w.begin(2);
  const delay = w.begin(1); // RetryInfo.retry_delay: google.protobuf.Duration
  w.uint32Field(1, retryDelaySeconds);
  w.end(delay);
  w.end(retryInfo);
  w.end(any);
  return w.finish();
}
