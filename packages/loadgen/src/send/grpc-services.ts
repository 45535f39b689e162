import type { ServiceDefinition } from '@grpc/grpc-js';
import type { Signal } from './exporter';

/**
 * The OTLP collector services, defined by hand with serializers that pass bytes through:
 * payloads are already encoded (and stamped), so a .proto loader would only decode and
 * re-encode them. Servers in tests use the same definitions to receive raw bytes.
 */
const identity = (b: Buffer): Buffer => b;

function service(pkg: string, name: string): ServiceDefinition {
  return {
    Export: {
      path: `/opentelemetry.proto.collector.${pkg}.v1.${name}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
      originalName: 'export',
    },
  };
}

export const OTLP_GRPC_SERVICES: Readonly<Record<Signal, ServiceDefinition>> = {
  traces: service('trace', 'TraceService'),
  logs: service('logs', 'LogsService'),
  metrics: service('metrics', 'MetricsService'),
};

export const OTLP_GRPC_PATHS: Readonly<Record<Signal, string>> = {
  traces: OTLP_GRPC_SERVICES.traces.Export.path,
  logs: OTLP_GRPC_SERVICES.logs.Export.path,
  metrics: OTLP_GRPC_SERVICES.metrics.Export.path,
};
