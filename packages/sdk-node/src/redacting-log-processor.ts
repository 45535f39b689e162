// Redacts secrets from a log record's body and attributes at emit time, before the batching
// processor queues it. Registered after BaggageLogRecordProcessor so copied baggage is covered too.
import type { LogAttributes } from '@opentelemetry/api-logs';
import type { LogRecordProcessor, SdkLogRecord } from '@opentelemetry/sdk-logs';
import type { Redactor } from './redaction.js';

export class RedactingLogRecordProcessor implements LogRecordProcessor {
  constructor(private readonly redactor: Redactor) {}

  onEmit(logRecord: SdkLogRecord): void {
    if (logRecord.body !== undefined) {
      const body = this.redactor.redactAnyValue(logRecord.body);
      if (body !== logRecord.body) logRecord.setBody(body);
    }
    const attributes: LogAttributes = logRecord.attributes;
    for (const [key, value] of Object.entries(attributes)) {
      if (value === undefined) continue;
      const redacted = this.redactor.redactAnyValue(value, key);
      if (redacted !== value) logRecord.setAttribute(key, redacted);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
