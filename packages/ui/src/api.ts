// The only door to the tracehouse API. A 401 sends the browser to the server's login page.
import type { TraceSummary } from '@tracehouse/api';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

let leaving = false;
function toLogin(): never {
  // Several requests may answer 401 at once: navigate only once.
  if (!leaving) {
    leaving = true;
    const next = location.pathname + location.search;
    location.assign(`/login?next=${encodeURIComponent(next)}`);
  }
  throw new ApiError(401, 'login required');
}

export type Query = Record<string, string | number | boolean | undefined | null | string[]>;

export function qs(params: Query): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) u.append(k, x);
    else u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

export async function getJson<T>(path: string, params: Query = {}, signal?: AbortSignal): Promise<T> {
  return (await getJsonWithHeaders<T>(path, params, signal)).body;
}

/** getJson, with the response headers (e.g. a trace's x-trace-span-total). */
export async function getJsonWithHeaders<T>(
  path: string,
  params: Query = {},
  signal?: AbortSignal,
): Promise<{ body: T; headers: Headers }> {
  const res = await fetch(path + qs(params), { signal, headers: { accept: 'application/json' } });
  if (res.status === 401) toLogin();
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const msg = (body as { error?: string } | undefined)?.error ?? `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, msg, body);
  }
  return { body: body as T, headers: res.headers };
}

// ---- shapes (docs/api.md) ----
export type { TraceSummary };
export interface LogLine {
  timeUnixNano: string;
  observedTimeUnixNano?: string;
  severityNumber: number;
  severityText: string;
  body: unknown;
  eventName?: string;
  traceId: string;
  spanId: string;
  serviceName: string;
  attributes: Record<string, unknown>;
  resourceAttributes: Record<string, unknown>;
}
export interface Decision {
  traceId: string;
  decision: 'keep' | 'drop' | 'pending';
  rule: string;
  reason: string;
  decidedAtUnixNano?: string;
  adjustedCount?: number;
}
/** One step; every value is null while nothing of the step is computed yet. */
export interface RedPoint {
  t: number;
  /** The computed part of the step (seconds): the step, except for the newest one. */
  seconds: number;
  rate: number | null;
  errorRate: number | null;
  errorRatio: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}
export interface RedSeries {
  service: string;
  spanName: string | null;
  points: RedPoint[];
}
export interface Exemplar {
  timeUnixNano: string;
  traceId: string;
  spanId: string;
  durationSeconds: number;
  service: string;
  spanName: string;
  statusCode: string;
}
export interface GraphNode {
  id: string;
  kind: string;
  requestRate: number;
  errorRatio: number;
}
export interface GraphEdge {
  client: string;
  server: string;
  connectionType: string;
  requests: number;
  failed: number;
  requestRate: number;
  errorRatio: number;
  serverP50?: number;
  serverP95?: number;
}
export type TimelineItem =
  | { kind: 'trace'; timeUnixNano: string; trace: TraceSummary }
  | { kind: 'log'; timeUnixNano: string; log: LogLine };

export function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body === undefined || body === null) return '';
  return JSON.stringify(body);
}
