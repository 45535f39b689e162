// Wires the enabled SDK: the export pipelines (spans encoded as they end for http/protobuf, batch
// processors and upstream exporters otherwise), our baggage and redaction processors in front of
// them, the sampler, the resource, W3C propagation and the instrumentations.
import { context, createNoopMeter } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { BaggageLogRecordProcessor } from './baggage-log-processor.js';
import { BaggageSpanProcessor } from './baggage-span-processor.js';
import type { BatchConfig, ResolvedConfig, SignalExport } from './config.js';
import { EncodingSpanProcessor } from './encoding-span-processor.js';
import { registerEsmHooks } from './esm-hooks.js';
import { createLogExporter, createMetricExporter, createSpanExporter } from './exporters.js';
import { createInstrumentations } from './instrumentations.js';
import type { SpanEncoderChoice, TracehouseOptions } from './options.js';
import { loadOtelModules, type OtelModules } from './otel-modules.js';
import { createProtoSpanSender } from './otlp-proto-span-sender.js';
import { RedactingLogRecordProcessor } from './redacting-log-processor.js';
import { RedactingSpanProcessor } from './redacting-span-processor.js';
import { Redactor } from './redaction.js';
import { buildResource } from './resource.js';
import { createSampler } from './sampler.js';

export interface StartedSdk {
  ready: Promise<void>;
  logsEnabled: boolean;
  baggageKeys: readonly string[];
  redactor: Redactor | undefined;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function startSdk(config: ResolvedConfig, options: TracehouseOptions): StartedSdk {
  const modules = loadOtelModules();
  const { sdkNode, sdkLogs, sdkMetrics, core } = modules;
  // Before any instrumentation exists: their constructors send the hooked module names to the loader.
  const waitForEsmHooks = registerEsmHooks();
  const redactor = config.redaction === false ? undefined : new Redactor(config.redaction);
  const flushables: { forceFlush(): Promise<void> }[] = [];

  const spanProcessors: SpanProcessor[] = [];
  if (config.exports.traces) {
    const batch = createSpanPipeline(config.exports.traces, config.spanEncoder, config.spanBatch, modules);
    flushables.push(batch);
    spanProcessors.push(new BaggageSpanProcessor(config.baggageKeys));
    if (redactor) spanProcessors.push(new RedactingSpanProcessor(redactor));
    spanProcessors.push(batch, ...(options.spanProcessors ?? []));
  }

  const logRecordProcessors: LogRecordProcessor[] = [];
  if (config.exports.logs) {
    const batch = new sdkLogs.BatchLogRecordProcessor({
      exporter: createLogExporter(config.exports.logs),
      ...config.logBatch,
    });
    flushables.push(batch);
    // Order matters for logs (there is no onEnding): enrich, then redact, then queue for export.
    logRecordProcessors.push(new BaggageLogRecordProcessor(config.baggageKeys));
    if (redactor) logRecordProcessors.push(new RedactingLogRecordProcessor(redactor));
    logRecordProcessors.push(batch, ...(options.logRecordProcessors ?? []));
  }

  const metricReaders: IMetricReader[] = [];
  if (config.exports.metrics) {
    const reader = new sdkMetrics.PeriodicExportingMetricReader({
      exporter: createMetricExporter(config.exports.metrics),
      exportIntervalMillis: config.metricExportIntervalMillis,
      // The reader rejects a timeout longer than its interval.
      exportTimeoutMillis: Math.min(30_000, config.metricExportIntervalMillis),
    });
    flushables.push(reader);
    metricReaders.push(reader);
  }

  const instrumentations = createInstrumentations(config, options, modules);
  const sdk = new sdkNode.NodeSDK({
    resource: buildResource(config.resourceAttributes, modules),
    autoDetectResources: false,
    sampler: createSampler(config.sampler, modules),
    textMapPropagator: new core.CompositePropagator({
      propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
    }),
    // Always pass the arrays, even empty: NodeSDK would otherwise build exporters from OTEL_* on its
    // own, towards localhost, for a signal that has no endpoint here.
    spanProcessors,
    logRecordProcessors,
    metricReaders,
    instrumentations,
  });
  sdk.start();
  // start() hands every instrumentation the SDK's meter provider; this takes it back from the HTTP ones.
  if (!config.httpMetrics) withoutHttpMetrics(instrumentations);

  return {
    ready: waitForEsmHooks(),
    logsEnabled: config.exports.logs !== undefined,
    baggageKeys: config.baggageKeys,
    redactor,
    forceFlush: async () => {
      await Promise.all(flushables.map((flushable) => flushable.forceFlush()));
    },
    shutdown: () => sdk.shutdown(),
  };
}

/**
 * The processor that exports sampled spans. http/protobuf with our encoder encodes each span when
 * it ends (encoding-span-processor.ts); the other protocols queue spans for upstream's exporters.
 */
function createSpanPipeline(
  target: SignalExport,
  encoder: SpanEncoderChoice,
  batch: BatchConfig,
  { sdkTrace, core }: OtelModules,
): SpanProcessor {
  if (target.protocol === 'http/protobuf' && encoder === 'lean') {
    return new EncodingSpanProcessor(createProtoSpanSender(target), {
      maxQueueSize: batch.maxQueueSize,
      maxExportBatchSize: batch.maxExportBatchSize,
      // BatchSpanProcessor's default.
      scheduledDelayMillis: batch.scheduledDelayMillis ?? 5000,
      exportContext: () => core.suppressTracing(context.active()),
    });
  }
  return new sdkTrace.BatchSpanProcessor({ exporter: createSpanExporter(target), ...batch });
}

/**
 * Instrumentations whose only metrics are request-duration histograms. tracehouse computes the same
 * RED metrics from 100% of spans before sampling, so by default these histograms would repeat them,
 * at a cost on every request (attribute hashing and a histogram update on the request path).
 */
const HTTP_METRIC_INSTRUMENTATIONS = new Set([
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/instrumentation-undici',
]);
const NOOP_METER_PROVIDER = { getMeter: () => createNoopMeter() };

function withoutHttpMetrics(instrumentations: readonly Instrumentation[]): void {
  for (const instrumentation of instrumentations) {
    if (HTTP_METRIC_INSTRUMENTATIONS.has(instrumentation.instrumentationName)) {
      instrumentation.setMeterProvider(NOOP_METER_PROVIDER);
    }
  }
}
