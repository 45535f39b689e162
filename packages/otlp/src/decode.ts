import type { Decoded, LogRecord, MetricBatch, SpanRecord, WireFormat } from './model';

/** Decodes an ExportTraceServiceRequest (= TracesData). Throws OtlpDecodeError on undecodable input. */
export function decodeTraces(_body: Uint8Array, _format: WireFormat): Decoded<SpanRecord[]> {
  throw new Error('not implemented');
}
/** Decodes an ExportLogsServiceRequest (= LogsData). Throws OtlpDecodeError on undecodable input. */
export function decodeLogs(_body: Uint8Array, _format: WireFormat): Decoded<LogRecord[]> {
  throw new Error('not implemented');
}
/** Decodes an ExportMetricsServiceRequest (= MetricsData). Throws OtlpDecodeError on undecodable input. */
export function decodeMetrics(_body: Uint8Array, _format: WireFormat): Decoded<MetricBatch> {
  throw new Error('not implemented');
}
