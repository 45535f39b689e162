import type { SpanRecord } from '../model';
import { decimalAdd } from '../wire/int64';

/** end_time_unix_nano, which the model keeps as Timestamp + Duration. */
export function spanEndTime(span: SpanRecord): string {
  return decimalAdd(span.Timestamp, span.Duration);
}
