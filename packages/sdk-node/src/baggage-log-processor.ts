// The log-side twin of BaggageSpanProcessor: allow-listed baggage entries of the context a record
// is emitted in become attributes of the record, so logs filter by user like spans do.
import { type Context, context, propagation } from '@opentelemetry/api';
import type { LogRecordProcessor, SdkLogRecord } from '@opentelemetry/sdk-logs';

export class BaggageLogRecordProcessor implements LogRecordProcessor {
  constructor(private readonly keys: readonly string[]) {}

  onEmit(logRecord: SdkLogRecord, emitContext?: Context): void {
    const baggage = propagation.getBaggage(emitContext ?? context.active());
    if (!baggage) return;
    for (const key of this.keys) {
      const entry = baggage.getEntry(key);
      if (entry !== undefined) logRecord.setAttribute(key, entry.value);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
