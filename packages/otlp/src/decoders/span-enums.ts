import type { SpanKindName, StatusCodeName } from '../model';

/** Indexed by Span.SpanKind number. */
export const SPAN_KIND_NAMES: readonly SpanKindName[] = [
  'Unspecified',
  'Internal',
  'Server',
  'Client',
  'Producer',
  'Consumer',
];
/** Indexed by Status.StatusCode number. */
export const STATUS_CODE_NAMES: readonly StatusCodeName[] = ['Unset', 'Ok', 'Error'];

export function spanKindName(kind: number): SpanKindName {
  return SPAN_KIND_NAMES[kind] ?? 'Unspecified';
}

export function statusCodeName(code: number): StatusCodeName {
  return STATUS_CODE_NAMES[code] ?? 'Unset';
}

/** Unknown names encode as 0 (unspecified / unset). */
export function spanKindNumber(name: SpanKindName): number {
  return Math.max(SPAN_KIND_NAMES.indexOf(name), 0);
}

export function statusCodeNumber(name: StatusCodeName): number {
  return Math.max(STATUS_CODE_NAMES.indexOf(name), 0);
}
