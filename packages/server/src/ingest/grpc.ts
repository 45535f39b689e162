import {
  type handleUnaryCall,
  Metadata,
  Server,
  type ServerCredentials,
  type ServiceDefinition,
  status,
} from '@grpc/grpc-js';
import type { Signal } from '@tracehouse/otlp';
import { DEFAULT_TENANT } from '@tracehouse/store';
import type { Receiver } from './receiver';

const SERVICES: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

const raw = (b: Buffer) => b;

/**
 * The three OTLP services with pass-through (de)serialisers: grpc-js hands over the raw
 * message bytes and our own decoder does the rest, exactly as for OTLP/HTTP protobuf.
 */
function serviceDefinition(signal: Signal): ServiceDefinition {
  return {
    Export: {
      path: SERVICES[signal],
      requestStream: false,
      responseStream: false,
      requestSerialize: raw,
      requestDeserialize: raw,
      responseSerialize: raw,
      responseDeserialize: raw,
    },
  };
}

export function createOtlpGrpcServer(
  receiver: Receiver,
  maxBodyBytes: number,
  /** The tenant of a call from its `authorization` metadata, or null to refuse it (UNAUTHENTICATED). */
  ingestTenant: (authorization: string | undefined, signal: Signal) => string | null = () => DEFAULT_TENANT,
): Server {
  // grpc-js enforces the receive limit on the decompressed message too.
  const server = new Server({
    'grpc.max_receive_message_length': maxBodyBytes,
    'grpc.max_send_message_length': 4 * 1024 * 1024,
  });
  for (const signal of Object.keys(SERVICES) as Signal[]) {
    const Export: handleUnaryCall<Buffer, Buffer> = (call, callback) => {
      const header = call.metadata.get('authorization')[0];
      const tenant = ingestTenant(typeof header === 'string' ? header : header?.toString(), signal);
      if (tenant === null) {
        return callback({
          code: status.UNAUTHENTICATED,
          details: 'a valid ingest token is required (authorization: Bearer <token>)',
        });
      }
      receiver.export(signal, call.request, 'protobuf', 'grpc', tenant).then((outcome) => {
        switch (outcome.kind) {
          case 'ok':
            return callback(null, Buffer.from(outcome.response));
          case 'invalid':
            return callback({ code: status.INVALID_ARGUMENT, details: outcome.message });
          case 'busy':
          case 'over_quota':
            return callback({ code: status.RESOURCE_EXHAUSTED, details: outcome.message, metadata: retryAfter() });
          case 'unavailable':
            return callback({ code: status.UNAVAILABLE, details: outcome.message, metadata: retryAfter() });
        }
      });
    };
    server.addService(serviceDefinition(signal), { Export });
  }
  return server;
}

function retryAfter(): Metadata {
  const m = new Metadata();
  m.set('retry-after', '1');
  return m;
}

export function bindGrpc(server: Server, address: string, credentials: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (err, port) => (err ? reject(err) : resolve(port)));
  });
}
