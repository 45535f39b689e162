// Loads the OpenTelemetry SDK packages, and only when init() finds an endpoint (exporters.ts does
// the same for exporter packages).
// Loading them lazily is what makes the no-endpoint mode free: not even the modules are evaluated,
// so nothing can patch, schedule timers or open sockets. They are CommonJS, so a synchronous
// require() keeps init() synchronous.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface OtelModules {
  sdkNode: typeof import('@opentelemetry/sdk-node');
  sdkTrace: typeof import('@opentelemetry/sdk-trace');
  sdkLogs: typeof import('@opentelemetry/sdk-logs');
  sdkMetrics: typeof import('@opentelemetry/sdk-metrics');
  resources: typeof import('@opentelemetry/resources');
  core: typeof import('@opentelemetry/core');
  autoInstrumentations: typeof import('@opentelemetry/auto-instrumentations-node');
  fastifyOtel: typeof import('@fastify/otel');
}

let loaded: OtelModules | undefined;

export function loadOtelModules(): OtelModules {
  loaded ??= {
    sdkNode: require('@opentelemetry/sdk-node'),
    sdkTrace: require('@opentelemetry/sdk-trace'),
    sdkLogs: require('@opentelemetry/sdk-logs'),
    sdkMetrics: require('@opentelemetry/sdk-metrics'),
    resources: require('@opentelemetry/resources'),
    core: require('@opentelemetry/core'),
    autoInstrumentations: require('@opentelemetry/auto-instrumentations-node'),
    fastifyOtel: require('@fastify/otel'),
  };
  return loaded;
}

/**
 * import-in-the-middle exactly as @opentelemetry/instrumentation resolves it: the Hook() calls of
 * the instrumentations and the loader channel created here must talk to one module instance.
 */
export function loadImportInTheMiddle(): ImportInTheMiddle {
  const fromInstrumentation = createRequire(require.resolve('@opentelemetry/instrumentation'));
  return fromInstrumentation('import-in-the-middle');
}

/** The part of import-in-the-middle used here (it is a dependency of @opentelemetry/instrumentation, not ours). */
export interface ImportInTheMiddle {
  createAddHookMessageChannel(): {
    registerOptions: { data?: unknown; transferList?: unknown[] };
    waitForAllMessagesAcknowledged(): Promise<void>;
  };
}
