// A pino destination that writes each line to the real destination and emits the same record
// through the OpenTelemetry Logs API. Parsing the serialised line (rather than intercepting log
// calls) guarantees the exported record is exactly what was printed, child-logger bindings and
// serializers included. pino writes synchronously inside the log call, so the active context here
// is the caller's: the record gets its span, and its baggage reaches BaggageLogRecordProcessor.
import { context } from '@opentelemetry/api';
import { type AnyValue, type LogAttributes, logs, SeverityNumber } from '@opentelemetry/api-logs';
import type { DestinationStream } from 'pino';
import { ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_STACKTRACE, ATTR_EXCEPTION_TYPE } from './semconv.js';
import { INSTRUMENTATION_SCOPE } from './tracer.js';

const SEVERITY: Readonly<Record<string, SeverityNumber>> = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};

/** Fields that become the record's own fields or resource attributes rather than attributes. */
const RECORD_FIELDS = new Set([
  'level',
  'time',
  'msg',
  'trace_id',
  'span_id',
  'trace_flags',
  'service',
  'pid',
  'hostname',
]);

/** A parsed JSON line: every value is JSON, hence a valid AnyValue. */
type PinoRecord = Record<string, AnyValue>;

export class PinoOtelDestination implements DestinationStream {
  constructor(
    private readonly primary: DestinationStream,
    /** Checked per line: a logger created before init() starts exporting once init() has run. */
    private readonly shouldExport: () => boolean,
  ) {}

  write(line: string): void {
    this.primary.write(line);
    if (!this.shouldExport()) return;
    let record: PinoRecord;
    try {
      record = JSON.parse(line);
    } catch {
      return;
    }
    emitRecord(record);
  }

  /** pino.final() and logger.flush() look for these on the destination. */
  flushSync(): void {
    (this.primary as { flushSync?: () => void }).flushSync?.();
  }

  flush(callback?: (error?: Error) => void): void {
    const primary = this.primary as { flush?: (cb?: (error?: Error) => void) => void };
    if (primary.flush) primary.flush(callback);
    else callback?.();
  }
}

function emitRecord(record: PinoRecord): void {
  const level = typeof record.level === 'string' ? record.level : undefined;
  const attributes: LogAttributes = {};
  for (const [key, value] of Object.entries(record)) {
    if (RECORD_FIELDS.has(key) || key === 'err') continue;
    attributes[key] = value;
  }
  addException(attributes, record.err);
  logs.getLogger(INSTRUMENTATION_SCOPE).emit({
    timestamp: typeof record.time === 'number' ? record.time : undefined,
    severityNumber: level ? (SEVERITY[level] ?? SeverityNumber.UNSPECIFIED) : SeverityNumber.UNSPECIFIED,
    severityText: level,
    body: typeof record.msg === 'string' ? record.msg : undefined,
    attributes,
    context: context.active(),
  });
}

/** pino's standard `err` serializer output, mapped onto the exception semantic conventions. */
function addException(attributes: LogAttributes, err: unknown): void {
  if (err === null || typeof err !== 'object') return;
  const { type, message, stack } = err as { type?: unknown; message?: unknown; stack?: unknown };
  if (typeof type === 'string') attributes[ATTR_EXCEPTION_TYPE] = type;
  if (typeof message === 'string') attributes[ATTR_EXCEPTION_MESSAGE] = message;
  if (typeof stack === 'string') attributes[ATTR_EXCEPTION_STACKTRACE] = stack;
}
