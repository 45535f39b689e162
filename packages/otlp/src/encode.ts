import { logsDataJson } from './encoders/json/logs';
import { metricsDataJson } from './encoders/json/metrics';
import { tracesDataJson } from './encoders/json/traces';
import { logsDataProtobuf } from './encoders/protobuf/logs';
import { metricsDataProtobuf } from './encoders/protobuf/metrics';
import { tracesDataProtobuf } from './encoders/protobuf/traces';
import type { LogRecord, MetricBatch, SpanRecord } from './model';

// Records that share identical resource and scope columns are grouped back into one
// Resource*/Scope* entry, in order of first appearance; record order is kept within a group.

/** OTLP/JSON TracesData object ({resourceSpans:[...]}), grouping records by resource and scope. */
export function spansToTracesData(spans: readonly SpanRecord[]): { resourceSpans: unknown[] } {
  return tracesDataJson(spans);
}
/** Protobuf TracesData bytes (also a valid ExportTraceServiceRequest). */
export function encodeTracesData(spans: readonly SpanRecord[]): Uint8Array {
  return tracesDataProtobuf(spans);
}
/** OTLP/JSON LogsData object ({resourceLogs:[...]}). */
export function logsToLogsData(logs: readonly LogRecord[]): { resourceLogs: unknown[] } {
  return logsDataJson(logs);
}
/** Protobuf LogsData bytes (also a valid ExportLogsServiceRequest). */
export function encodeLogsData(logs: readonly LogRecord[]): Uint8Array {
  return logsDataProtobuf(logs);
}
/** OTLP/JSON MetricsData object ({resourceMetrics:[...]}); points sharing a metric's identity form one Metric. */
export function metricsToMetricsData(batch: MetricBatch): { resourceMetrics: unknown[] } {
  return metricsDataJson(batch);
}
/** Protobuf MetricsData bytes (also a valid ExportMetricsServiceRequest). */
export function encodeMetricsData(batch: MetricBatch): Uint8Array {
  return metricsDataProtobuf(batch);
}
