// Redacts secrets from a span while it is ending, i.e. after the last attribute is set and before
// any exporting processor sees it. `onEnding` (sdk-trace 2.x, experimental) runs for every
// processor before any `onEnd`, so the position of this processor in the list does not matter.

import type { Attributes } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { Redactor } from './redaction.js';

export class RedactingSpanProcessor implements SpanProcessor {
  constructor(private readonly redactor: Redactor) {}

  onStart(): void {}

  onEnding(span: Span): void {
    const redactor = this.redactor;
    const attributes = span.attributes;
    // for-in rather than Object.entries: this runs for every span, and most spans change nothing.
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined) continue;
      const redacted = redactor.redactAttribute(key, value);
      if (redacted !== value) span.setAttribute(key, redacted);
    }
    // Events and links are plain objects that the span exposes by reference and has no setter for.
    for (const event of span.events) {
      if (event.attributes) redactInPlace(redactor, event.attributes);
    }
    for (const link of span.links) {
      if (link.attributes) redactInPlace(redactor, link.attributes);
    }
    const name = redactor.redactString(span.name);
    if (name !== span.name) span.updateName(name);
    if (span.status.code === SpanStatusCode.ERROR && span.status.message) {
      const message = redactor.redactString(span.status.message);
      if (message !== span.status.message) span.setStatus({ code: SpanStatusCode.ERROR, message });
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

function redactInPlace(redactor: Redactor, attributes: Attributes): void {
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined) continue;
    const redacted = redactor.redactAttribute(key, value);
    if (redacted !== value) attributes[key] = redacted;
  }
}
