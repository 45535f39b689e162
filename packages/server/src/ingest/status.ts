import type { WireFormat } from '@tracehouse/otlp';

/** gRPC status codes used in OTLP/HTTP error bodies (google.rpc.Status.code). */
export const RpcCode = { INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14 } as const;

/**
 * google.rpc.Status { int32 code = 1; string message = 2; }, which OTLP/HTTP returns as
 * the body of a failed request, in the request's encoding.
 */
export function encodeStatus(format: WireFormat, code: number, message: string): Uint8Array {
  if (format === 'json') return Buffer.from(JSON.stringify({ code, message }));
  const msg = Buffer.from(message, 'utf8');
  const len: number[] = [];
  for (let n = msg.length; ; n >>>= 7) {
    if (n < 0x80) {
      len.push(n);
      break;
    }
    len.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([0x08, code, 0x12, ...len]), msg]);
}
