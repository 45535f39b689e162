/** Tempo's label values for span kind and status code. */
const KIND_LABELS: Record<string, string> = {
  Unspecified: 'SPAN_KIND_UNSPECIFIED',
  Internal: 'SPAN_KIND_INTERNAL',
  Server: 'SPAN_KIND_SERVER',
  Client: 'SPAN_KIND_CLIENT',
  Producer: 'SPAN_KIND_PRODUCER',
  Consumer: 'SPAN_KIND_CONSUMER',
};
const STATUS_LABELS: Record<string, string> = {
  Unset: 'STATUS_CODE_UNSET',
  Ok: 'STATUS_CODE_OK',
  Error: 'STATUS_CODE_ERROR',
};

/** 'Server' (as stored) -> 'SPAN_KIND_SERVER'. */
export function spanKindLabel(stored: string): string {
  return KIND_LABELS[stored] ?? 'SPAN_KIND_UNSPECIFIED';
}

export function statusCodeLabel(stored: string): string {
  return STATUS_LABELS[stored] ?? 'STATUS_CODE_UNSET';
}

/** 'SPAN_KIND_SERVER' or 'server' -> the stored 'Server'; undefined when unknown. */
export function storedSpanKind(label: string): string | undefined {
  const l = label.toUpperCase().replace(/^SPAN_KIND_/, '');
  return Object.keys(KIND_LABELS).find((k) => k.toUpperCase() === l);
}

/** The labels every span-metrics series carries, in exposition order. */
export const INTRINSIC_LABELS = ['service', 'span_name', 'span_kind', 'status_code'] as const;

/** Labels the exposition itself uses or reserves. */
const RESERVED = new Set<string>([...INTRINSIC_LABELS, 'le', 'job', 'instance', 'otel_metric_overflow']);

/**
 * A Prometheus label name for an attribute key: anything outside [a-zA-Z0-9_] becomes `_`
 * (`http.method` -> `http_method`), a leading digit gets a `_` in front, and a name that
 * collides with an intrinsic label gets a `__` prefix (`status_code` -> `__status_code`),
 * as Tempo does.
 */
export function sanitizeLabelName(key: string): string {
  let name = key.replace(/[^a-zA-Z0-9_]/g, '_');
  if (name === '') name = '_';
  if (/^[0-9]/.test(name)) name = `_${name}`;
  if (RESERVED.has(name)) name = `__${name}`;
  return name;
}

/** An extra dimension: where its value comes from and the label it becomes. */
export interface Dimension {
  attribute: string;
  label: string;
}

/**
 * Parses `derived.dimensions` ("http.method, http.route"); duplicates after sanitising are
 * refused because two attributes would write the same label.
 */
export function parseDimensions(spec: string): Dimension[] {
  const out: Dimension[] = [];
  for (const raw of spec.split(',')) {
    const attribute = raw.trim();
    if (!attribute) continue;
    const label = sanitizeLabelName(attribute);
    if (out.some((d) => d.label === label)) throw new Error(`dimension ${attribute} duplicates label ${label}`);
    out.push({ attribute, label });
  }
  return out;
}
