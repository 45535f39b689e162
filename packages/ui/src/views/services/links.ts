// Links into the services page from elsewhere (a span, a trace).

/** The RED charts of one operation, over an hour around a moment (absolute: the link keeps showing it). */
export function operationRedHref(service: string, spanName: string, atMs: number): string {
  const at = Math.floor(atMs / 1000);
  const end = Math.min(at + 1800, Math.ceil(Date.now() / 1000));
  const p = new URLSearchParams({ service, op: spanName, kind: 'all', start: String(end - 3600), end: String(end) });
  return `/services?${p}`;
}
