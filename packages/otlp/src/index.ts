// Public surface of @tracehouse/otlp. The implementations live in their own modules.

export { decodeLogs, decodeMetrics, decodeTraces } from './decode';
export {
  encodeLogsData,
  encodeMetricsData,
  encodeTracesData,
  logsToLogsData,
  metricsToMetricsData,
  spansToTracesData,
} from './encode';
export { OtlpDecodeError } from './errors';
export { noExemplars } from './exemplars';
export * from './model';
export { encodeExportResponse } from './response';
export { encodeRetryStatus } from './rpc-status';
export { SpanIdMap } from './span-id-map';
export { attributesToJson, attributeToJson } from './values';
