/** Validation of the query parameters shared by the API routes. */

export class BadRequest extends Error {
  readonly statusCode = 400;
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

export function traceIdParam(value: unknown, name = 'traceId'): string {
  const id = String(value ?? '').toLowerCase();
  if (!HEX32.test(id) || /^0+$/.test(id)) throw new BadRequest(`${name} must be 32 hex characters, not all zero`);
  return id;
}

export function spanIdParam(value: unknown, name = 'spanId'): string {
  const id = String(value ?? '').toLowerCase();
  if (!HEX16.test(id) || /^0+$/.test(id)) throw new BadRequest(`${name} must be 16 hex characters, not all zero`);
  return id;
}

/** The last second the store's nanosecond times (int64) can hold. */
const MAX_UNIX_SECONDS = 9_223_372_036;

/** `start` and `end` in Unix seconds; the last hour when absent. */
export function timeRange(
  query: { start?: unknown; end?: unknown },
  now = Date.now() / 1000,
): { start: number; end: number } {
  const num = (v: unknown, name: string, fallback: number) => {
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > MAX_UNIX_SECONDS)
      throw new BadRequest(`${name} must be Unix seconds from 0 to ${MAX_UNIX_SECONDS} (2262-04-11)`);
    return n;
  };
  const end = num(query.end, 'end', now);
  const start = num(query.start, 'start', end - 3600);
  if (start > end) throw new BadRequest('start must not be after end');
  return { start, end };
}

export function limitParam(value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new BadRequest(`limit must be an integer from 1 to ${max}`);
  return n;
}
