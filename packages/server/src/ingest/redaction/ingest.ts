import type { LogRecord, MetricBatch, Signal, SpanRecord } from '@tracehouse/otlp';
import { Counter, type Registry } from 'prom-client';
import type { Config } from '../../config/schema';
import { type RedactionCounts, Redactor } from './redactor';

/** Redaction on the ingest path, with its counter `tracehouse_redacted_total{signal,rule}`. */
export class IngestRedaction {
  readonly counter: Counter<'signal' | 'rule'>;

  constructor(
    readonly redactor: Redactor,
    registry: Registry,
  ) {
    this.counter = new Counter({
      name: 'tracehouse_redacted_total',
      help: 'Values redacted at ingest, by signal and rule (a value counts once per rule that changed it)',
      labelNames: ['signal', 'rule'],
      registers: [registry],
    });
  }

  static fromConfig(config: Config, registry: Registry): IngestRedaction | null {
    if (!config['redaction.enabled']) return null;
    const list = (s: string) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
    return new IngestRedaction(
      new Redactor({
        disabledRules: list(config['redaction.disabledRules']),
        keyPattern: config['redaction.keyPattern'] || undefined,
        valuePattern: config['redaction.valuePattern'] || undefined,
        replacement: config['redaction.replacement'],
      }),
      registry,
    );
  }

  /** Redacts decoded records in place, before the store sees them. */
  apply(signal: 'traces', records: SpanRecord[]): void;
  apply(signal: 'logs', records: LogRecord[]): void;
  apply(signal: 'metrics', records: MetricBatch): void;
  apply(signal: Signal, records: SpanRecord[] | LogRecord[] | MetricBatch): void {
    let counts: RedactionCounts;
    if (signal === 'traces') counts = this.redactor.redactSpans(records as SpanRecord[]);
    else if (signal === 'logs') counts = this.redactor.redactLogs(records as LogRecord[]);
    else counts = this.redactor.redactMetrics(records as MetricBatch);
    for (const rule in counts) this.counter.inc({ signal, rule }, counts[rule]);
  }
}
