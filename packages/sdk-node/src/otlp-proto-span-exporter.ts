// The http/protobuf span exporter: upstream's OTLP/HTTP transport (headers, gzip, timeouts, retries
// with backoff, partial-success handling, concurrency limit), with our encoder (otlp-span-encoder.ts)
// in place of @opentelemetry/otlp-transformer's serializer. Same URL, headers and OTEL_EXPORTER_OTLP_*
// handling as `@opentelemetry/exporter-trace-otlp-proto`, which it replaces for this protocol only.
import { createRequire } from 'node:module';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { OtlpSpanEncoder } from './otlp-span-encoder.js';

const require = createRequire(import.meta.url);

export function createProtoSpanExporter(options: { url: string; headers: Record<string, string> }): SpanExporter {
  const { OTLPExporterBase } =
    require('@opentelemetry/otlp-exporter-base') as typeof import('@opentelemetry/otlp-exporter-base');
  const { createOtlpHttpExportDelegate, convertLegacyHttpOptions } =
    require('@opentelemetry/otlp-exporter-base/node-http') as typeof import('@opentelemetry/otlp-exporter-base/node-http');
  const { ProtobufTraceSerializer, TraceExporterMetricsHelper } =
    require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
  const encoder = new OtlpSpanEncoder();
  const serializer: typeof ProtobufTraceSerializer = {
    serializeRequest: (spans) => encoder.encode(spans),
    deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
  };
  return new OTLPExporterBase(
    createOtlpHttpExportDelegate(
      convertLegacyHttpOptions(options, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }),
      serializer,
      'otlp_http_span_exporter',
      TraceExporterMetricsHelper,
      undefined,
    ),
  );
}
