import type { Signal, WireFormat } from './model';

/**
 * Export{Trace,Logs,Metrics}ServiceResponse with `partial_success` when anything was
 * rejected, in the request's wire format (protobuf bytes or UTF-8 JSON bytes).
 */
export function encodeExportResponse(_signal: Signal, _format: WireFormat, _rejected: number, _message: string): Uint8Array {
  throw new Error('not implemented');
}
