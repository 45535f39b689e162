// "Filter for / filter out this value": a log field and value as Logs page URL parameters.
import type { LogLine } from '../api';
import { severityClass } from '../format';

export type LogField =
  | { kind: 'service' }
  | { kind: 'severity' }
  | { kind: 'traceId' }
  | { kind: 'spanId' }
  | { kind: 'attribute'; key: string }
  | { kind: 'resource'; key: string };

/**
 * The Logs URL that adds `field = value` (or `!=` when excluding) to the current filters, or
 * null when that field cannot be excluded (the API filters service, severity and ids by equality).
 */
export function filterHref(params: URLSearchParams, field: LogField, value: string, exclude: boolean): string | null {
  const p = new URLSearchParams(params);
  const set = (k: string, v: string) => {
    if (exclude) return null;
    p.set(k, v);
    return p;
  };
  let out: URLSearchParams | null;
  switch (field.kind) {
    case 'service':
      out = set('service', value);
      break;
    case 'severity':
      out = set('sev', value);
      break;
    case 'traceId':
      out = set('traceId', value);
      break;
    case 'spanId':
      out = set('spanId', value);
      break;
    case 'resource':
      if (field.key === 'service.name' && !exclude) out = set('service', value);
      else {
        p.append('attr', `resource.${field.key}${exclude ? '!=' : '='}${value}`);
        out = p;
      }
      break;
    case 'attribute':
      p.append('attr', `${field.key}${exclude ? '!=' : '='}${value}`);
      out = p;
      break;
  }
  return out ? `/logs?${out}` : null;
}

/** Attribute values as the API filters them (strings; others as JSON). */
export function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}

export function severityLabel(l: LogLine): string {
  return l.severityText || severityClass(l.severityNumber).toUpperCase();
}
