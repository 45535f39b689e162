// Sends encoded span batches (encoding-span-processor.ts) over OTLP/HTTP with upstream's transport:
// headers, gzip, timeouts, retries with backoff, partial-success handling, the concurrency limit.
// Same URL, headers and OTEL_EXPORTER_OTLP_* handling as `@opentelemetry/exporter-trace-otlp-proto`,
// which it replaces for this protocol only; the bytes are built by our encoder (otlp-span-encoder.ts)
// instead of @opentelemetry/otlp-transformer's serializer.
import { createRequire } from 'node:module';
import type { EncodedBatch, EncodedBatchSender } from './encoding-span-processor.js';

const require = createRequire(import.meta.url);

export function createProtoSpanSender(options: { url: string; headers: Record<string, string> }): EncodedBatchSender {
  const { createOtlpHttpExportDelegate, convertLegacyHttpOptions } =
    require('@opentelemetry/otlp-exporter-base/node-http') as typeof import('@opentelemetry/otlp-exporter-base/node-http');
  const { ProtobufTraceSerializer } =
    require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
  const delegate = createOtlpHttpExportDelegate<EncodedBatch, unknown>(
    convertLegacyHttpOptions(options, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }),
    {
      serializeRequest: (batch) => batch.bytes,
      deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
    },
    'otlp_http_span_exporter',
    { name: 'span', countItems: (batch) => batch.spans },
    undefined,
  );
  return {
    send: (batch, done) => delegate.export(batch, done),
    forceFlush: () => delegate.forceFlush(),
    shutdown: () => delegate.shutdown(),
  };
}
