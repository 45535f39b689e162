// Public surface of @tracehouse/otlp. The implementations live in their own modules.
export * from './model';
export { OtlpDecodeError } from './errors';
export { decodeTraces, decodeLogs, decodeMetrics } from './decode';
export { encodeExportResponse } from './response';
export {
  spansToTracesData,
  encodeTracesData,
  logsToLogsData,
  encodeLogsData,
  metricsToMetricsData,
  encodeMetricsData,
} from './encode';
export { attributeToJson, attributesToJson } from './values';
