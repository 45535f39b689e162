import { Client, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { fields, stringValue, varintValue, WIRE_LEN } from '../wire/protobuf';
import type { Exporter, ExportResult } from './exporter';
import { OTLP_GRPC_PATHS } from './grpc-services';
import { partialSuccessFromProtobuf } from './partial-success';
import { RETRYABLE_GRPC_CODES } from './retry';

export interface GrpcExporterOptions {
  /** host:port, or http(s)://host:port (https selects TLS). */
  endpoint: string;
  gzip: boolean;
  headers: Record<string, string>;
  timeoutMs: number;
}

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * The delay a server asked for: google.rpc.RetryInfo in the status details (what OTLP
 * specifies), or the grpc-retry-pushback-ms trailer some servers send instead.
 */
export function retryDelayMs(metadata: Metadata | undefined): number | null {
  if (!metadata) return null;
  const pushback = metadata.get('grpc-retry-pushback-ms')[0];
  if (pushback !== undefined && /^\d+$/.test(String(pushback))) return Number(pushback);
  const details = metadata.get('grpc-status-details-bin')[0];
  if (!(details instanceof Buffer)) return null;
  try {
    // google.rpc.Status { details = 3: repeated Any { type_url = 1, value = 2 } }
    for (const f of fields(details)) {
      if (f.number !== 3 || f.wireType !== WIRE_LEN) continue;
      let type = '';
      let value: Buffer | null = null;
      for (const a of fields(details, f.start, f.end)) {
        if (a.number === 1) type = stringValue(details, a);
        else if (a.number === 2) value = details.subarray(a.start, a.end);
      }
      if (type !== RETRY_INFO_TYPE || !value) continue;
      // RetryInfo { retry_delay = 1: Duration { seconds = 1, nanos = 2 } }
      for (const r of fields(value)) {
        if (r.number !== 1 || r.wireType !== WIRE_LEN) continue;
        let seconds = 0;
        let nanos = 0;
        for (const d of fields(value, r.start, r.end)) {
          if (d.number === 1) seconds = varintValue(value, d);
          else if (d.number === 2) nanos = varintValue(value, d);
        }
        return seconds * 1000 + nanos / 1e6;
      }
    }
  } catch {
    // Malformed details: fall back to our own backoff.
  }
  return null;
}

function target(endpoint: string): { address: string; tls: boolean } {
  const m = /^(https?):\/\/(.+?)\/?$/.exec(endpoint);
  return m ? { address: m[2], tls: m[1] === 'https' } : { address: endpoint, tls: false };
}

/** OTLP/gRPC with @grpc/grpc-js: one HTTP/2 connection, concurrent calls multiplexed on it. */
export function createGrpcExporter(o: GrpcExporterOptions): Exporter {
  const { address, tls } = target(o.endpoint);
  const client = new Client(address, tls ? credentials.createSsl() : credentials.createInsecure(), {
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
    ...(o.gzip ? { 'grpc.default_compression_algorithm': 2 } : {}),
  });
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(o.headers)) metadata.set(k.toLowerCase(), v);

  return {
    export(signal, body) {
      return new Promise<ExportResult>((resolve) => {
        client.makeUnaryRequest<Buffer, Buffer>(
          OTLP_GRPC_PATHS[signal],
          (b) => b,
          (b) => b,
          Buffer.from(body.buffer, body.byteOffset, body.byteLength),
          metadata.clone(),
          { deadline: Date.now() + o.timeoutMs },
          (err: ServiceError | null, response?: Buffer) => {
            if (err) {
              resolve({
                ok: false,
                retryable: RETRYABLE_GRPC_CODES.has(err.code),
                retryAfterMs: retryDelayMs(err.metadata),
                error: `gRPC ${status[err.code] ?? err.code}: ${err.details}`,
              });
              return;
            }
            try {
              const ps = partialSuccessFromProtobuf(response ?? Buffer.alloc(0));
              resolve({ ok: true, rejected: ps.rejected, message: ps.message });
            } catch {
              resolve({ ok: true, rejected: 0, message: '' });
            }
          },
        );
      });
    },
    async close() {
      client.close();
    },
  };
}
