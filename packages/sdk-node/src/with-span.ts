// Runs a function inside a span that always ends, and marks the span as failed when the function
// throws or its promise rejects. Shared by withSpan, producerSpan and consumerSpan.
import { type Attributes, type Context, context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { helperTracer } from './tracer.js';

/**
 * `withSpan('charge card', async (span) => { ... }, { 'payment.provider': 'acme' })`.
 * Works with sync and async functions and returns what `fn` returns.
 */
export function withSpan<T>(name: string, fn: (span: Span) => T, attributes?: Attributes): T {
  const span = helperTracer().startSpan(name, { attributes });
  return runInSpan(span, trace.setSpan(context.active(), span), fn);
}

/** Runs `fn` with `span` active in `spanContext`, then ends the span (after settling, for promises). */
export function runInSpan<T>(span: Span, spanContext: Context, fn: (span: Span) => T): T {
  let result: T;
  try {
    result = context.with(spanContext, fn, undefined, span);
  } catch (error) {
    failSpan(span, error);
    span.end();
    throw error;
  }
  if (isPromiseLike(result)) {
    return result.then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        failSpan(span, error);
        span.end();
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}

function failSpan(span: Span, error: unknown): void {
  if (error instanceof Error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else {
    span.recordException(String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
