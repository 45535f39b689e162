import type { InstrumentationConfigMap } from '@opentelemetry/auto-instrumentations-node';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { RedactionOptions } from './redaction.js';

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** Our lean implementation of a part, or upstream's. */
export type LeanOrUpstream = 'lean' | 'upstream';
/**
 * `lean`: incoming requests are traced by @tracehouse/node's own server instrumentation (much
 * cheaper per request); outgoing http/https requests and fetch still use the upstream ones.
 * `upstream`: @opentelemetry/instrumentation-http handles both directions, as in a stock setup.
 */
export type HttpInstrumentationChoice = LeanOrUpstream;
export type SpanEncoderChoice = LeanOrUpstream;

/** Options for `init()`. Every field is optional; unset fields fall back to the standard OTEL_* variables. */
export interface TracehouseOptions {
  /** `service.name`; else OTEL_SERVICE_NAME, else `service.name` in OTEL_RESOURCE_ATTRIBUTES. */
  serviceName?: string;
  /** `service.version`; else OTEL_RESOURCE_ATTRIBUTES, else npm_package_version, else the service's package.json. */
  serviceVersion?: string;
  /** `deployment.environment.name`; else OTEL_RESOURCE_ATTRIBUTES, else NODE_ENV. */
  deploymentEnvironment?: string;
  /** `service.instance.id`; else OTEL_RESOURCE_ATTRIBUTES, else a random UUID per process. */
  serviceInstanceId?: string;
  /** Extra resource attributes, applied over OTEL_RESOURCE_ATTRIBUTES. */
  resourceAttributes?: Record<string, string>;

  /** Base OTLP URL (OTEL_EXPORTER_OTLP_ENDPOINT). With none set anywhere, `init()` is a no-op. */
  endpoint?: string;
  /** Per-signal URLs, used as-is (OTEL_EXPORTER_OTLP_{TRACES,LOGS,METRICS}_ENDPOINT). */
  tracesEndpoint?: string;
  logsEndpoint?: string;
  metricsEndpoint?: string;
  /** OTEL_EXPORTER_OTLP_PROTOCOL; default `http/protobuf`. */
  protocol?: OtlpProtocol;
  /** Sent with every export request, over OTEL_EXPORTER_OTLP_HEADERS (e.g. an ingest token). */
  headers?: Record<string, string>;

  /** Share of new traces to keep, 0..1, parent-based. Overrides OTEL_TRACES_SAMPLER(_ARG). */
  sampleRatio?: number;
  /** Baggage keys copied onto every span and log record. Default: enduser.id, org_id, correlation_id. */
  baggageKeys?: readonly string[];
  /** Extra secret patterns, or `false` to turn redaction off (not recommended). */
  redaction?: RedactionOptions | false;

  /** Incoming request paths that are never traced. Default: /livez, /readyz, /healthz, /metrics. */
  ignoredPaths?: readonly string[];
  /** Short instrumentation names to turn off, added to OTEL_NODE_DISABLED_INSTRUMENTATIONS and the defaults (fs, dns). */
  disabledInstrumentations?: readonly string[];
  /** Per-instrumentation configuration, keyed by package name as in auto-instrumentations-node. */
  instrumentations?: InstrumentationConfigMap;
  /** Instrumentations to register in addition to the auto-instrumentation set. */
  extraInstrumentations?: readonly Instrumentation[];
  /** Span processors to add after ours (e.g. a test recorder). They see redacted, baggage-enriched spans. */
  spanProcessors?: readonly SpanProcessor[];
  /** Log record processors to add after ours. */
  logRecordProcessors?: readonly LogRecordProcessor[];

  /**
   * Record the HTTP instrumentations' request-duration histograms (`http.server.request.duration`,
   * `http.client.request.duration`). Default false: tracehouse derives RED metrics from 100% of spans,
   * so these would only repeat them, at a cost on every request. Env: TRACEHOUSE_HTTP_METRICS=true.
   */
  httpMetrics?: boolean;
  /**
   * Which instrumentation traces incoming HTTP requests: `lean` (default) or `upstream`
   * (@opentelemetry/instrumentation-http). Env: TRACEHOUSE_HTTP_INSTRUMENTATION.
   */
  httpInstrumentation?: HttpInstrumentationChoice;
  /**
   * How http/protobuf spans are exported: `lean` (default) encodes each span with our encoder when it
   * ends (encoding-span-processor.ts); `upstream` queues span objects in BatchSpanProcessor for
   * @opentelemetry/exporter-trace-otlp-proto. Same bytes on the wire. Env: TRACEHOUSE_SPAN_ENCODER.
   */
  spanEncoder?: SpanEncoderChoice;
  /** OTEL_METRIC_EXPORT_INTERVAL; default 60000. */
  metricExportIntervalMillis?: number;
  /** Flush and exit on SIGTERM/SIGINT (exit code 128 + signal). Default true. */
  handleSignals?: boolean;
  /** Upper bound on flushing at shutdown. Default 5000. */
  shutdownTimeoutMillis?: number;
  /** Force the no-op mode, as OTEL_SDK_DISABLED=true does. */
  disabled?: boolean;
}
