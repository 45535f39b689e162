import type { LogRecord, MetricBatch, SpanRecord } from './model';

/** OTLP/JSON TracesData object ({resourceSpans:[...]}), grouping records by resource and scope. */
export function spansToTracesData(_spans: readonly SpanRecord[]): { resourceSpans: unknown[] } {
  throw new Error('not implemented');
}
/** Protobuf TracesData bytes (also a valid ExportTraceServiceRequest). */
export function encodeTracesData(_spans: readonly SpanRecord[]): Uint8Array {
  throw new Error('not implemented');
}
export function logsToLogsData(_logs: readonly LogRecord[]): { resourceLogs: unknown[] } {
  throw new Error('not implemented');
}
export function encodeLogsData(_logs: readonly LogRecord[]): Uint8Array {
  throw new Error('not implemented');
}
export function metricsToMetricsData(_batch: MetricBatch): { resourceMetrics: unknown[] } {
  throw new Error('not implemented');
}
export function encodeMetricsData(_batch: MetricBatch): Uint8Array {
  throw new Error('not implemented');
}
