/**
 * Counts the items a decoder refused, by reason, for OTLP's partial_success: the sender
 * learns how many were dropped and why, and the rest of the request is kept.
 */
export class Rejections {
  count = 0;
  private readonly reasons = new Map<string, number>();

  constructor(
    private readonly singular: string,
    private readonly plural: string,
  ) {}

  add(reason: string): void {
    this.count++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  /** e.g. "2 spans rejected: invalid trace_id (must be 16 bytes, not all zero)"; '' when none. */
  message(): string {
    if (this.count === 0) return '';
    const head = `${this.count} ${this.count === 1 ? this.singular : this.plural} rejected: `;
    if (this.reasons.size === 1) return head + this.reasons.keys().next().value;
    const parts: string[] = [];
    for (const [reason, n] of this.reasons) parts.push(`${n} ${reason}`);
    return head + parts.join('; ');
  }
}

export const INVALID_TRACE_ID = 'invalid trace_id (must be 16 bytes, not all zero)';
export const INVALID_SPAN_ID = 'invalid span_id (must be 8 bytes, not all zero)';
export const INVALID_PARENT_SPAN_ID = 'invalid parent_span_id (must be empty or 8 bytes)';
export const INVALID_OPTIONAL_TRACE_ID = 'invalid trace_id (must be empty or 16 bytes)';
export const INVALID_OPTIONAL_SPAN_ID = 'invalid span_id (must be empty or 8 bytes)';
export const INVALID_LINK_ID = 'invalid link trace_id or span_id encoding';
export const INVALID_EXEMPLAR_ID = 'invalid exemplar trace_id or span_id (must be empty or 16/8 bytes)';
export const POINT_WITHOUT_VALUE = 'number data point without a value (as_double or as_int)';
export const METRIC_WITHOUT_DATA =
  'metric without a known data type (gauge, sum, histogram, exponential_histogram, summary)';
