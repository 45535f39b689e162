import { decodeLogsJson } from './decoders/json/logs';
import { decodeMetricsJson } from './decoders/json/metrics';
import { decodeTracesJson } from './decoders/json/traces';
import { decodeLogsProtobuf } from './decoders/protobuf/logs';
import { decodeMetricsProtobuf } from './decoders/protobuf/metrics';
import { decodeTracesProtobuf } from './decoders/protobuf/traces';
import type { Decoded, LogRecord, MetricBatch, SpanRecord, WireFormat } from './model';

/** Decodes an ExportTraceServiceRequest (= TracesData). Throws OtlpDecodeError on undecodable input. */
export function decodeTraces(body: Uint8Array, format: WireFormat): Decoded<SpanRecord[]> {
  return format === 'json' ? decodeTracesJson(body) : decodeTracesProtobuf(body);
}
/** Decodes an ExportLogsServiceRequest (= LogsData). Throws OtlpDecodeError on undecodable input. */
export function decodeLogs(body: Uint8Array, format: WireFormat): Decoded<LogRecord[]> {
  return format === 'json' ? decodeLogsJson(body) : decodeLogsProtobuf(body);
}
/** Decodes an ExportMetricsServiceRequest (= MetricsData). Throws OtlpDecodeError on undecodable input. */
export function decodeMetrics(body: Uint8Array, format: WireFormat): Decoded<MetricBatch> {
  return format === 'json' ? decodeMetricsJson(body) : decodeMetricsProtobuf(body);
}
