import { isZeroHex } from '../wire/bytes';
import { INVALID_PARENT_SPAN_ID, INVALID_SPAN_ID, INVALID_TRACE_ID } from './rejections';

/**
 * Why a span's ids make it unusable, or null when they are fine. null ids are ones the JSON
 * decoder could not read as hex or base64.
 */
export function spanIdsProblem(
  traceId: string | null,
  spanId: string | null,
  parentSpanId: string | null,
): string | null {
  if (traceId === null || traceId.length !== 32 || isZeroHex(traceId)) return INVALID_TRACE_ID;
  if (spanId === null || spanId.length !== 16 || isZeroHex(spanId)) return INVALID_SPAN_ID;
  if (parentSpanId === null || (parentSpanId.length !== 0 && parentSpanId.length !== 16)) return INVALID_PARENT_SPAN_ID;
  return null;
}

/** An all-zero parent is how some SDKs mark a root span. */
export function normaliseParentSpanId(parentSpanId: string): string {
  return isZeroHex(parentSpanId) ? '' : parentSpanId;
}
