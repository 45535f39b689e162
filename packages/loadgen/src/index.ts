// Public surface of @tracehouse/loadgen: synthetic OTLP traffic and the truth about it.
export { loadgenUsage, parseDurationMs, parseLoadgenArgs } from './run/args';
export {
  type LoadgenOptions,
  LoadgenOptionsError,
  type LoadgenProtocol,
  type LoadgenSignal,
} from './run/options';
export { runLoadgen } from './run/run';
export { formatSummary, type LoadgenSummary, type SignalCounts, type TraceTruth } from './run/summary';
export { OTLP_GRPC_PATHS, OTLP_GRPC_SERVICES } from './send/grpc-services';
export {
  createWorkload,
  DEFAULT_WORKLOAD_OPTIONS,
  type GeneratedTrace,
  type Workload,
  type WorkloadOptions,
} from './workload/workload';
