import type { Http2Server } from 'node:http2';
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
import type { ConnectionLimiter } from '../net/connectionLimit';
import { BUSY_MESSAGE, type InflightBudget } from './budget';
import type { Receiver } from './receiver';

export interface OtlpGrpcOptions {
  maxBodyBytes: number;
  /** Request bytes held at once, shared with OTLP/HTTP. */
  budget: InflightBudget;
  /** Calls in flight on one connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS). */
  maxConcurrentStreams: number;
  /**
   * A connection is asked to go away (GOAWAY) after this long, and closed `graceMs` later
   * with whatever calls it still has: the deadline of a call whose message never finishes.
   */
  maxConnectionAgeMs: number;
  graceMs: number;
  /** Sockets count against the same caps as the HTTP listeners. */
  connections?: ConnectionLimiter;
  /** The tenant of a call from its `authorization` metadata, or null to refuse it (UNAUTHENTICATED). */
  ingestTenant?: (authorization: string | undefined, signal: Signal) => string | null;
}

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

export function createOtlpGrpcServer(receiver: Receiver, opts: OtlpGrpcOptions): Server {
  const ingestTenant = opts.ingestTenant ?? (() => DEFAULT_TENANT);
  // grpc-js enforces the receive limit on the decompressed message too.
  const server = new Server({
    'grpc.max_receive_message_length': opts.maxBodyBytes,
    'grpc.max_send_message_length': 4 * 1024 * 1024,
    'grpc.max_concurrent_streams': opts.maxConcurrentStreams,
    'grpc.max_connection_age_ms': opts.maxConnectionAgeMs,
    'grpc.max_connection_age_grace_ms': opts.graceMs,
    'grpc.max_connection_idle_ms': opts.graceMs,
    // A peer that vanished without closing is found by a ping and its connection freed.
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
  });
  if (opts.connections) watchConnections(server, opts.connections);
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
      const size = call.request.length;
      if (!opts.budget.tryTake(size)) {
        return callback({ code: status.RESOURCE_EXHAUSTED, details: BUSY_MESSAGE, metadata: retryAfter() });
      }
      receiver.export(signal, call.request, 'protobuf', 'grpc', tenant).then((outcome) => {
        opts.budget.release(size);
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

/**
 * grpc-js creates its HTTP/2 listeners inside bindAsync and offers no hook on their
 * connections; wrapping its factory is the one place every listener passes through.
 */
function watchConnections(server: Server, connections: ConnectionLimiter): void {
  const internals = server as unknown as { createHttp2Server(credentials: unknown): Http2Server };
  if (typeof internals.createHttp2Server !== 'function')
    throw new Error('grpc-js: createHttp2Server not found (version changed?)');
  const create = internals.createHttp2Server.bind(server);
  internals.createHttp2Server = (credentials) => {
    const http2Server = create(credentials);
    connections.watch(http2Server);
    return http2Server;
  };
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
