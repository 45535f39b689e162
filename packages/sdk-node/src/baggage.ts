// Adds baggage entries for the rest of a unit of work. The gateway uses it once it knows who the
// user is; every later span and log record, here and downstream, then carries `enduser.id`.
import { context, propagation, trace } from '@opentelemetry/api';
import { activeBaggageKeys } from './sdk.js';

/**
 * Runs `fn` in a context whose baggage also holds `entries`. The active span started before the
 * entries existed, so no processor could copy them: allow-listed ones are set on it here.
 */
export function withBaggage<T>(entries: Record<string, string>, fn: () => T): T {
  const active = context.active();
  let baggage = propagation.getBaggage(active) ?? propagation.createBaggage();
  for (const [key, value] of Object.entries(entries)) baggage = baggage.setEntry(key, { value });
  const span = trace.getActiveSpan();
  if (span) {
    for (const key of activeBaggageKeys()) {
      const value = entries[key];
      if (value !== undefined) span.setAttribute(key, value);
    }
  }
  return context.with(propagation.setBaggage(active, baggage), fn);
}
