// The pino preset: one JSON object per line on stdout with the fields our log search and the
// trace view join on (trace_id, span_id, correlation_id, service, level as a name), and the same
// records exported as OTLP logs once init() has an endpoint for logs.
import { context, isSpanContextValid, propagation, trace } from '@opentelemetry/api';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { PinoOtelDestination } from './pino-otel-destination.js';
import { type RedactionOptions, Redactor } from './redaction.js';
import { activeRedactor, isLogExportEnabled } from './sdk.js';

export interface CreateLoggerOptions {
  /** The `service` field; default OTEL_SERVICE_NAME. */
  service?: string;
  /** Minimum level; default LOG_LEVEL, else `info`. */
  level?: string;
  /** Where lines go; default stdout, written synchronously so no line is lost at exit. */
  destination?: DestinationStream;
  /** Extra secret patterns, or `false` to log arguments unredacted. Default: the patterns init() uses. */
  redaction?: RedactionOptions | false;
  /** Also export the records over OTLP when init() configured logs. Default true. */
  exportLogs?: boolean;
  /** Any other pino option (serializers, customLevels, ...). `mixin`, `formatters.level` and `hooks.logMethod` are ours. */
  pino?: Omit<LoggerOptions, 'mixin' | 'level'>;
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const redactor = options.redaction === false ? undefined : loggerRedactor(options.redaction);
  const primary = options.destination ?? pino.destination({ dest: 1, sync: true });
  const exportLogs = options.exportLogs ?? true;
  const destination = exportLogs ? new PinoOtelDestination(primary, isLogExportEnabled) : primary;
  return pino(
    {
      ...options.pino,
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: options.service ?? process.env.OTEL_SERVICE_NAME ?? 'unknown_service:node' },
      formatters: { ...options.pino?.formatters, level: (label) => ({ level: label }) },
      mixin: correlationFields,
      hooks: {
        ...options.pino?.hooks,
        // Redacting the call's arguments keeps secrets out of stdout as well as out of the export.
        logMethod(args, method) {
          if (redactor) redactArguments(args as unknown[], redactor);
          method.apply(this, args);
        },
      },
    },
    destination,
  );
}

function loggerRedactor(options: RedactionOptions | undefined): Redactor {
  if (options) return new Redactor(options);
  return activeRedactor() ?? new Redactor();
}

/** Evaluated on every log call: the ids of the active span and the correlation id from baggage. */
function correlationFields(): Record<string, string> {
  const active = context.active();
  const fields: Record<string, string> = {};
  const spanContext = trace.getSpanContext(active);
  if (spanContext && isSpanContextValid(spanContext)) {
    fields.trace_id = spanContext.traceId;
    fields.span_id = spanContext.spanId;
    fields.trace_flags = `0${spanContext.traceFlags.toString(16)}`.slice(-2);
  }
  const correlationId = propagation.getBaggage(active)?.getEntry('correlation_id')?.value;
  if (correlationId) fields.correlation_id = correlationId;
  return fields;
}

/** Strings (message and interpolation values) and plain objects; Error instances keep their type. */
function redactArguments(args: unknown[], redactor: Redactor): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg === 'string') args[i] = redactor.redactString(arg);
    else if (isPlainObject(arg)) args[i] = redactor.redactAnyValue(arg as Parameters<Redactor['redactAnyValue']>[0]);
  }
}

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
