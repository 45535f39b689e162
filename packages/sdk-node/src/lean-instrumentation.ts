// What our own HTTP instrumentations (server and client) share: the Instrumentation contract the
// OpenTelemetry SDK drives (config, tracer provider, enable/disable), so each file holds only
// its own patching.
import { type MeterProvider, type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import type { Instrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { OtelModules } from './otel-modules.js';

const VERSION = '0.1.0';

export type Core = OtelModules['core'];

/** HTTP methods kept as the span name; any other becomes `HTTP` (semantic conventions). */
export const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

export abstract class LeanInstrumentation<C extends InstrumentationConfig> implements Instrumentation<C> {
  readonly instrumentationVersion = VERSION;
  protected config: C;
  protected tracer: Tracer;

  /** Subclasses call `if (this.config.enabled) this.enable()` once their own fields are set. */
  constructor(
    readonly instrumentationName: string,
    config: C,
    protected readonly core: Core,
  ) {
    this.config = { ...config, enabled: config.enabled ?? true };
    this.tracer = trace.getTracer(instrumentationName, VERSION);
  }

  setTracerProvider(provider: TracerProvider): void {
    this.tracer = provider.getTracer(this.instrumentationName, VERSION);
  }

  setMeterProvider(_provider: MeterProvider): void {
    // No metrics: tracehouse derives RED metrics from the spans.
  }

  setConfig(config: C): void {
    this.config = { ...config, enabled: this.config.enabled };
  }

  getConfig(): C {
    return this.config;
  }

  abstract enable(): void;
  abstract disable(): void;
}
