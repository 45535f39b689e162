// Builds the OTLP exporter of each signal for its configured protocol. Exporter packages are
// required on demand, per protocol, so an http/json service never loads gRPC (see otel-modules.ts).
import { createRequire } from 'node:module';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { SignalExport } from './config.js';

const require = createRequire(import.meta.url);

/**
 * Upstream's span exporters. http/protobuf normally goes through our encoding pipeline instead
 * (encoding-span-processor.ts, started in start.ts); this one serves it with spanEncoder 'upstream'.
 */
export function createSpanExporter({ protocol, url, headers }: SignalExport): SpanExporter {
  switch (protocol) {
    case 'grpc': {
      const { OTLPTraceExporter } =
        require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc');
      return new OTLPTraceExporter({ url, metadata: toMetadata(headers) });
    }
    case 'http/json': {
      const { OTLPTraceExporter } =
        require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
      return new OTLPTraceExporter({ url, headers });
    }
    default: {
      const { OTLPTraceExporter } =
        require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
      return new OTLPTraceExporter({ url, headers });
    }
  }
}

export function createLogExporter({ protocol, url, headers }: SignalExport): LogRecordExporter {
  switch (protocol) {
    case 'grpc': {
      const { OTLPLogExporter } =
        require('@opentelemetry/exporter-logs-otlp-grpc') as typeof import('@opentelemetry/exporter-logs-otlp-grpc');
      return new OTLPLogExporter({ url, metadata: toMetadata(headers) });
    }
    case 'http/json': {
      const { OTLPLogExporter } =
        require('@opentelemetry/exporter-logs-otlp-http') as typeof import('@opentelemetry/exporter-logs-otlp-http');
      return new OTLPLogExporter({ url, headers });
    }
    default: {
      const { OTLPLogExporter } =
        require('@opentelemetry/exporter-logs-otlp-proto') as typeof import('@opentelemetry/exporter-logs-otlp-proto');
      return new OTLPLogExporter({ url, headers });
    }
  }
}

export function createMetricExporter({ protocol, url, headers }: SignalExport): PushMetricExporter {
  switch (protocol) {
    case 'grpc': {
      const { OTLPMetricExporter } =
        require('@opentelemetry/exporter-metrics-otlp-grpc') as typeof import('@opentelemetry/exporter-metrics-otlp-grpc');
      return new OTLPMetricExporter({ url, metadata: toMetadata(headers) });
    }
    case 'http/json': {
      const { OTLPMetricExporter } =
        require('@opentelemetry/exporter-metrics-otlp-http') as typeof import('@opentelemetry/exporter-metrics-otlp-http');
      return new OTLPMetricExporter({ url, headers });
    }
    default: {
      const { OTLPMetricExporter } =
        require('@opentelemetry/exporter-metrics-otlp-proto') as typeof import('@opentelemetry/exporter-metrics-otlp-proto');
      return new OTLPMetricExporter({ url, headers });
    }
  }
}

/** gRPC carries headers as Metadata; the exporter still merges OTEL_EXPORTER_OTLP_HEADERS under them. */
function toMetadata(headers: Record<string, string>) {
  const { Metadata } = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  return metadata;
}
