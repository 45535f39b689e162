import type { Signal, WireFormat } from './model';
import { VARINT } from './wire/proto-reader';
import { ProtoWriter } from './wire/proto-writer';

const REJECTED_FIELD: Record<Signal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

/**
 * Export{Trace,Logs,Metrics}ServiceResponse with `partial_success` when anything was
 * rejected, in the request's wire format (protobuf bytes or UTF-8 JSON bytes).
 */
export function encodeExportResponse(
  signal: Signal,
  format: WireFormat,
  rejected: number,
  message: string,
): Uint8Array {
  const partial = rejected > 0 || message !== '';
  if (format === 'json') {
    const partialSuccess: Record<string, string> = {};
    // int64 is a string in proto3 JSON.
    if (rejected > 0) partialSuccess[REJECTED_FIELD[signal]] = String(rejected);
    if (message !== '') partialSuccess.errorMessage = message;
    return Buffer.from(JSON.stringify(partial ? { partialSuccess } : {}));
  }
  if (!partial) return new Uint8Array(0);
  // Every signal's partial success message is { int64 rejected_<items> = 1; string error_message = 2; }.
  const w = new ProtoWriter(64 + message.length * 3);
  const at = w.begin(1);
  if (rejected > 0) {
    w.tag(1, VARINT);
    w.varint64(Math.floor(rejected / 4294967296), rejected >>> 0);
  }
  w.stringField(2, message);
  w.end(at);
  return w.finish();
}
