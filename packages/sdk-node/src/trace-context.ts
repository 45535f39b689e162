// The ids of the active span, for log lines, error reports and response headers.
import { isSpanContextValid, trace } from '@opentelemetry/api';

export interface TraceContext {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** W3C trace flags; bit 0 (1) means sampled. */
  traceFlags: number;
}

/** The active span's ids, or undefined outside any (valid) span, e.g. when the SDK is off. */
export function getTraceContext(): TraceContext | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId, traceFlags: spanContext.traceFlags };
}
