/**
 * `forward.headers`: extra HTTP headers on every request to the downstream backend, written as
 * OTEL_EXPORTER_OTLP_HEADERS is (`name=value,name2=value2`, values percent-decoded), so the same
 * string configures a collector and tracehouse alike. Usually a credential: the value is only ever
 * sent downstream, never logged or stored.
 */

/** RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Set by the forwarder itself, per request. */
const RESERVED = new Set(['content-type', 'content-length', 'content-encoding', 'host', 'transfer-encoding']);

/** Parses the list; throws a message that names the bad entry (without its value, which may be a secret). */
export function parseForwardHeaders(list: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of list.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    const name = (eq === -1 ? entry : entry.slice(0, eq)).trim().toLowerCase();
    if (eq === -1 || !HEADER_NAME.test(name)) {
      throw new Error(`"${name}": expected name=value with an HTTP header name`);
    }
    if (RESERVED.has(name)) throw new Error(`"${name}" is set by the forwarder and cannot be configured`);
    let value: string;
    try {
      value = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      throw new Error(`"${name}": the value is not valid percent-encoding`);
    }
    if (/[\r\n\0]/.test(value)) throw new Error(`"${name}": the value contains a line break or NUL`);
    headers[name] = value;
  }
  return headers;
}

/** `forward.tenantHeader`: validated like a header name; '' means tenants are not told apart downstream. */
export function parseTenantHeader(name: string): string {
  const trimmed = name.trim().toLowerCase();
  if (trimmed !== '' && (!HEADER_NAME.test(trimmed) || RESERVED.has(trimmed))) {
    throw new Error(`"${name}" is not a header name the forwarder can set`);
  }
  return trimmed;
}
