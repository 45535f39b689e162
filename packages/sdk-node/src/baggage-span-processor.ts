// Copies allow-listed baggage entries onto every span when it starts, so a filter such as
// `enduser.id = u-42` finds every span of that user in every service, not only the entry span.
import { type Context, propagation } from '@opentelemetry/api';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace';

export class BaggageSpanProcessor implements SpanProcessor {
  /** Only these keys are copied: baggage is caller-controlled input and must not set arbitrary attributes. */
  constructor(private readonly keys: readonly string[]) {}

  onStart(span: Span, parentContext: Context): void {
    const baggage = propagation.getBaggage(parentContext);
    if (!baggage) return;
    for (const key of this.keys) {
      const entry = baggage.getEntry(key);
      if (entry !== undefined) span.setAttribute(key, entry.value);
    }
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
