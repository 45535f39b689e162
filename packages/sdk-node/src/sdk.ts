// init() and shutdown(): the process-wide lifecycle of @tracehouse/node.
import { randomUUID } from 'node:crypto';
import { DEFAULT_BAGGAGE_KEYS, resolveConfig } from './config.js';
import type { TracehouseOptions } from './options.js';
import type { Redactor } from './redaction.js';
import { servicePackageVersion } from './service-package.js';
import { installSignalHandlers } from './signals.js';
import { type StartedSdk, startSdk } from './start.js';

export interface TracehouseSdk {
  /** False when no endpoint is configured or the SDK is disabled: then nothing was started. */
  readonly enabled: boolean;
  /** Why the SDK is off, when it is. */
  readonly disabledReason?: string;
  /** Resolves once ESM imports are hookable. Import application modules after it. */
  readonly ready: Promise<void>;
  /** Exports everything buffered so far, and keeps running. */
  forceFlush(): Promise<void>;
  /** Flushes and stops all signals; later telemetry is dropped. Idempotent. */
  shutdown(): Promise<void>;
}

let current: TracehouseSdk | undefined;
let started: StartedSdk | undefined;

/**
 * Starts OpenTelemetry for this process, configured by `options` over the OTEL_* variables.
 * Call it before the modules it should instrument are imported: with `--import
 * @tracehouse/node/register`, or first thing followed by `await sdk.ready` and dynamic imports.
 * A second call returns the first call's SDK.
 */
export function init(options: TracehouseOptions = {}): TracehouseSdk {
  if (current) return current;
  const config = resolveConfig(options, process.env, randomUUID, () =>
    servicePackageVersion(process.argv[1], process.cwd()),
  );
  for (const warning of config.warnings) process.emitWarning(warning, { code: 'TRACEHOUSE_CONFIG' });
  if (!config.enabled) {
    current = {
      enabled: false,
      disabledReason: config.disabledReason,
      ready: Promise.resolve(),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    return current;
  }

  const sdk = startSdk(config, options);
  started = sdk;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= withTimeout(sdk.shutdown(), config.shutdownTimeoutMillis);
    return stopping;
  };
  const signals = config.handleSignals ? installSignalHandlers(stop, (code) => process.exit(code)) : undefined;
  current = {
    enabled: true,
    ready: sdk.ready,
    forceFlush: () => withTimeout(sdk.forceFlush(), config.shutdownTimeoutMillis),
    shutdown: () => {
      signals?.uninstall();
      return stop();
    },
  };
  return current;
}

/** Flushes and stops the SDK started by init(); resolves at once when there is none. */
export function shutdown(): Promise<void> {
  return current?.shutdown() ?? Promise.resolve();
}

/** Whether log records emitted through the Logs API reach an exporter (createLogger checks this). */
export function isLogExportEnabled(): boolean {
  return started?.logsEnabled ?? false;
}

/** The baggage keys copied onto spans and log records. */
export function activeBaggageKeys(): readonly string[] {
  return started?.baggageKeys ?? DEFAULT_BAGGAGE_KEYS;
}

/** The redactor configured by init(), for loggers created afterwards. */
export function activeRedactor(): Redactor | undefined {
  return started?.redactor;
}

/** Gives up waiting (never rejects): shutdown must not hang a process that is asked to exit. */
function withTimeout(work: Promise<void>, millis: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, millis);
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
