// Wires the enabled SDK: exporters behind batch processors, our baggage and redaction processors in
// front of them, the sampler, the resource, W3C propagation and the instrumentations.
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { BaggageLogRecordProcessor } from './baggage-log-processor.js';
import { BaggageSpanProcessor } from './baggage-span-processor.js';
import type { ResolvedConfig } from './config.js';
import { registerEsmHooks } from './esm-hooks.js';
import { createLogExporter, createMetricExporter, createSpanExporter } from './exporters.js';
import { createInstrumentations } from './instrumentations.js';
import type { TracehouseOptions } from './options.js';
import { loadOtelModules } from './otel-modules.js';
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
  const { sdkNode, sdkTrace, sdkLogs, sdkMetrics, core } = modules;
  // Before any instrumentation exists: their constructors send the hooked module names to the loader.
  const waitForEsmHooks = registerEsmHooks();
  const redactor = config.redaction === false ? undefined : new Redactor(config.redaction);
  const flushables: { forceFlush(): Promise<void> }[] = [];

  const spanProcessors: SpanProcessor[] = [];
  if (config.exports.traces) {
    const batch = new sdkTrace.BatchSpanProcessor({
      exporter: createSpanExporter(config.exports.traces),
      ...config.spanBatch,
    });
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
    instrumentations: createInstrumentations(config, options, modules),
  });
  sdk.start();

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
