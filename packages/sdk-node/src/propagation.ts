// W3C trace context and baggage into and out of any string map, for transports that no
// instrumentation covers: NATS headers, Redis stream fields, Pub/Sub attributes, job payloads.
import { type Context, context, propagation } from '@opentelemetry/api';
import { carrierGetter, carrierSetter, type StringCarrier } from './carrier.js';

/** Writes `traceparent`, `tracestate` and `baggage` for `ctx` (default: the active context) into `carrier`. */
export function injectContext<C extends StringCarrier>(carrier: C, ctx: Context = context.active()): C {
  propagation.inject(ctx, carrier, carrierSetter);
  return carrier;
}

/** The context `carrier` describes, on top of `base` (default: the active context). */
export function extractContext(carrier: StringCarrier, base: Context = context.active()): Context {
  return propagation.extract(base, carrier, carrierGetter);
}
