// Resolves init() options and OTEL_* variables into one plain configuration object.
// Pure (no I/O, no globals), so every precedence rule is unit-tested without starting an SDK.
import { type Env, envBoolean, envList, envNumber, envString, parseKeyValueList } from './env.js';
import type {
  HttpInstrumentationChoice,
  LeanOrUpstream,
  OtlpProtocol,
  SpanEncoderChoice,
  TracehouseOptions,
} from './options.js';
import type { RedactionOptions } from './redaction.js';
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from './semconv.js';

export type Signal = 'traces' | 'logs' | 'metrics';
export const SIGNALS: readonly Signal[] = ['traces', 'logs', 'metrics'];

export const DEFAULT_BAGGAGE_KEYS: readonly string[] = ['enduser.id', 'org_id', 'correlation_id'];
export const DEFAULT_IGNORED_PATHS: readonly string[] = ['/livez', '/readyz', '/healthz', '/metrics'];
/** fs and dns produce many tiny spans with little diagnostic value; pino is handled by createLogger(). */
export const ALWAYS_DISABLED_INSTRUMENTATIONS: readonly string[] = ['fs', 'dns', 'pino'];

export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

export interface SamplerConfig {
  name: SamplerName;
  ratio: number;
}

export interface SignalExport {
  url: string;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
}

export interface BatchConfig {
  scheduledDelayMillis?: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
  exportTimeoutMillis?: number;
}

export interface ResolvedConfig {
  /** False means init() does nothing at all: no SDK, no exporter, no patching. */
  enabled: boolean;
  disabledReason?: string;
  exports: Partial<Record<Signal, SignalExport>>;
  resourceAttributes: Record<string, string>;
  sampler: SamplerConfig;
  baggageKeys: readonly string[];
  redaction: RedactionOptions | false;
  ignoredPaths: readonly string[];
  disabledInstrumentations: readonly string[];
  /** OTEL_NODE_ENABLED_INSTRUMENTATIONS, when set: only these (short names) may load. */
  enabledInstrumentations?: readonly string[];
  spanBatch: BatchConfig;
  logBatch: BatchConfig;
  metricExportIntervalMillis: number;
  /** Whether the HTTP instrumentations record their duration histograms (see TracehouseOptions.httpMetrics). */
  httpMetrics: boolean;
  /** Which instrumentation traces incoming HTTP requests (see TracehouseOptions.httpInstrumentation). */
  httpInstrumentation: HttpInstrumentationChoice;
  /** Which encoder writes http/protobuf span batches (see TracehouseOptions.spanEncoder). */
  spanEncoder: SpanEncoderChoice;
  handleSignals: boolean;
  shutdownTimeoutMillis: number;
  warnings: string[];
}

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];
const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

/**
 * `packageVersion` is asked only when neither options nor env give `service.version` (it reads
 * the service's package.json).
 */
export function resolveConfig(
  options: TracehouseOptions,
  env: Env,
  newInstanceId: () => string,
  packageVersion: () => string | undefined = () => undefined,
): ResolvedConfig {
  const warnings: string[] = [];
  const exports: Partial<Record<Signal, SignalExport>> = {};
  for (const signal of SIGNALS) {
    const resolved = resolveSignalExport(signal, options, env, warnings);
    if (resolved) exports[signal] = resolved;
  }

  let disabledReason: string | undefined;
  if (options.disabled || envBoolean(env, 'OTEL_SDK_DISABLED')) disabledReason = 'disabled (OTEL_SDK_DISABLED)';
  else if (Object.keys(exports).length === 0) disabledReason = 'no OTLP endpoint configured';

  return {
    enabled: disabledReason === undefined,
    disabledReason,
    exports,
    resourceAttributes: resolveResourceAttributes(options, env, newInstanceId, packageVersion),
    sampler: resolveSampler(options, env, warnings),
    baggageKeys: options.baggageKeys ?? listOr(envList(env, 'TRACEHOUSE_BAGGAGE_KEYS'), DEFAULT_BAGGAGE_KEYS),
    redaction: options.redaction ?? {},
    ignoredPaths: options.ignoredPaths ?? DEFAULT_IGNORED_PATHS,
    disabledInstrumentations: [
      ...new Set([
        ...ALWAYS_DISABLED_INSTRUMENTATIONS,
        ...envList(env, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS'),
        ...(options.disabledInstrumentations ?? []),
      ]),
    ],
    enabledInstrumentations: optionalList(envList(env, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS')),
    spanBatch: batchFromEnv(env, 'OTEL_BSP'),
    logBatch: batchFromEnv(env, 'OTEL_BLRP'),
    metricExportIntervalMillis:
      options.metricExportIntervalMillis ?? envNumber(env, 'OTEL_METRIC_EXPORT_INTERVAL') ?? 60_000,
    httpMetrics: options.httpMetrics ?? envBoolean(env, 'TRACEHOUSE_HTTP_METRICS'),
    httpInstrumentation: resolveLeanOrUpstream(
      options.httpInstrumentation,
      env,
      'TRACEHOUSE_HTTP_INSTRUMENTATION',
      warnings,
    ),
    spanEncoder: resolveLeanOrUpstream(options.spanEncoder, env, 'TRACEHOUSE_SPAN_ENCODER', warnings),
    handleSignals: options.handleSignals ?? true,
    shutdownTimeoutMillis: options.shutdownTimeoutMillis ?? 5_000,
    warnings,
  };
}

function resolveSignalExport(
  signal: Signal,
  options: TracehouseOptions,
  env: Env,
  warnings: string[],
): SignalExport | undefined {
  const upper = signal.toUpperCase();
  // OTEL_TRACES_EXPORTER=none (etc.) switches one signal off while keeping the others.
  if (envList(env, `OTEL_${upper}_EXPORTER`).includes('none')) return undefined;

  const rawProtocol =
    options.protocol ??
    envString(env, `OTEL_EXPORTER_OTLP_${upper}_PROTOCOL`) ??
    envString(env, 'OTEL_EXPORTER_OTLP_PROTOCOL') ??
    'http/protobuf';
  let protocol: OtlpProtocol = 'http/protobuf';
  if ((PROTOCOLS as readonly string[]).includes(rawProtocol)) protocol = rawProtocol as OtlpProtocol;
  else warnings.push(`unsupported OTLP protocol "${rawProtocol}" for ${signal}; using http/protobuf`);

  const perSignal = options[`${signal}Endpoint`] ?? envString(env, `OTEL_EXPORTER_OTLP_${upper}_ENDPOINT`);
  const base = options.endpoint ?? envString(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  let url: string | undefined;
  if (perSignal) url = perSignal;
  // gRPC has one endpoint for all services; HTTP appends the signal path to the base URL.
  else if (base) url = protocol === 'grpc' ? base : `${base.replace(/\/+$/, '')}/v1/${signal}`;
  if (!url) return undefined;

  const headers = {
    ...parseKeyValueList(envString(env, 'OTEL_EXPORTER_OTLP_HEADERS')),
    ...parseKeyValueList(envString(env, `OTEL_EXPORTER_OTLP_${upper}_HEADERS`)),
    ...options.headers,
  };
  return { url, protocol, headers };
}

function resolveResourceAttributes(
  options: TracehouseOptions,
  env: Env,
  newInstanceId: () => string,
  packageVersion: () => string | undefined,
): Record<string, string> {
  const fromEnv = parseKeyValueList(envString(env, 'OTEL_RESOURCE_ATTRIBUTES'));
  const attributes: Record<string, string> = { ...fromEnv, ...options.resourceAttributes };
  const set = (key: string, ...candidates: (string | undefined)[]) => {
    const value = candidates.find((candidate) => candidate !== undefined && candidate !== '');
    if (value !== undefined) attributes[key] = value;
  };
  set(ATTR_SERVICE_NAME, options.serviceName, envString(env, 'OTEL_SERVICE_NAME'), attributes[ATTR_SERVICE_NAME]);
  // Same default as the OpenTelemetry SDKs, so an unnamed service is still recognisable as one.
  set(ATTR_SERVICE_NAME, attributes[ATTR_SERVICE_NAME], 'unknown_service:node');
  set(
    ATTR_SERVICE_VERSION,
    options.serviceVersion,
    attributes[ATTR_SERVICE_VERSION],
    envString(env, 'npm_package_version'),
  );
  if (!attributes[ATTR_SERVICE_VERSION]) set(ATTR_SERVICE_VERSION, packageVersion());
  set(
    ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
    options.deploymentEnvironment,
    attributes[ATTR_DEPLOYMENT_ENVIRONMENT_NAME],
    envString(env, 'NODE_ENV'),
  );
  // Without an instance id, two replicas of one service are indistinguishable in the store.
  set(ATTR_SERVICE_INSTANCE_ID, options.serviceInstanceId, attributes[ATTR_SERVICE_INSTANCE_ID]);
  if (!attributes[ATTR_SERVICE_INSTANCE_ID]) attributes[ATTR_SERVICE_INSTANCE_ID] = newInstanceId();
  return attributes;
}

function resolveSampler(options: TracehouseOptions, env: Env, warnings: string[]): SamplerConfig {
  if (options.sampleRatio !== undefined) {
    return { name: 'parentbased_traceidratio', ratio: clampRatio(options.sampleRatio, warnings) };
  }
  const raw = envString(env, 'OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on';
  const arg = envString(env, 'OTEL_TRACES_SAMPLER_ARG');
  const ratio = arg === undefined ? 1 : clampRatio(Number(arg), warnings);
  if ((SAMPLERS as readonly string[]).includes(raw)) return { name: raw as SamplerName, ratio };
  warnings.push(`unsupported OTEL_TRACES_SAMPLER "${raw}"; using parentbased_always_on`);
  return { name: 'parentbased_always_on', ratio: 1 };
}

function clampRatio(value: number, warnings: string[]): number {
  if (Number.isFinite(value) && value >= 0 && value <= 1) return value;
  warnings.push(`sampling ratio ${value} is outside 0..1; using 1`);
  return 1;
}

/**
 * Larger queues and batches than the SDK defaults (2048 / 512): a busy service ends thousands of
 * spans per second, and the default queue drops spans during a slow export, while bigger batches
 * mean fewer export requests for the same data. OTEL_BSP_* / OTEL_BLRP_* still override.
 */
const BATCH_DEFAULTS = { maxQueueSize: 8192, maxExportBatchSize: 1024 } as const;

function batchFromEnv(env: Env, prefix: 'OTEL_BSP' | 'OTEL_BLRP'): BatchConfig {
  return {
    scheduledDelayMillis: envNumber(env, `${prefix}_SCHEDULE_DELAY`),
    maxQueueSize: envNumber(env, `${prefix}_MAX_QUEUE_SIZE`) ?? BATCH_DEFAULTS.maxQueueSize,
    maxExportBatchSize: envNumber(env, `${prefix}_MAX_EXPORT_BATCH_SIZE`) ?? BATCH_DEFAULTS.maxExportBatchSize,
    exportTimeoutMillis: envNumber(env, `${prefix}_EXPORT_TIMEOUT`),
  };
}

function optionalList(list: string[]): readonly string[] | undefined {
  return list.length > 0 ? list : undefined;
}

function listOr(list: string[], fallback: readonly string[]): readonly string[] {
  return list.length > 0 ? list : fallback;
}

const LEAN_OR_UPSTREAM: readonly LeanOrUpstream[] = ['lean', 'upstream'];

/** An option that picks our lean implementation or upstream's: the option, else the variable, else lean. */
function resolveLeanOrUpstream(
  option: LeanOrUpstream | undefined,
  env: Env,
  variable: string,
  warnings: string[],
): LeanOrUpstream {
  if (option) return option;
  const raw = envString(env, variable)?.toLowerCase();
  if (raw === undefined) return 'lean';
  if ((LEAN_OR_UPSTREAM as readonly string[]).includes(raw)) return raw as LeanOrUpstream;
  warnings.push(`${variable}=${raw} is not one of ${LEAN_OR_UPSTREAM.join(', ')}; using lean`);
  return 'lean';
}
