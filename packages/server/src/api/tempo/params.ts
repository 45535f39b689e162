import type { Query, SpanExpr, SpansetExpr } from '@tracehouse/traceql';
import { BadRequest } from '../params';

const GO_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration (`300ms`, `1.5s`, `1m30s`) in nanoseconds, as Tempo's minDuration/maxDuration. */
export function goDurationNanos(text: string, name: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new BadRequest(`${name} must be a duration like 100ms or 1m30s`);
  }
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * GO_UNITS[p[2]!]!, 0));
}

/** Tempo's `tags` parameter: logfmt `key=value key2="a b"`. */
export function logfmt(text: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /\s*([^\s=]+)=("((?:[^"\\]|\\.)*)"|\S*)/gy;
  let end = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0] === '') break;
    out.push([m[1]!, m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2]!]);
    end = re.lastIndex;
  }
  if (text.slice(end).trim() !== '') throw new BadRequest('tags must be logfmt: key=value key2="a b"');
  return out;
}

/** The legacy tag search as TraceQL: every tag an unscoped string attribute (`name` the span name). */
export function tagsQuery(tags: [string, string][]): Query {
  const conditions: SpanExpr[] = tags.map(([key, value]) => ({
    kind: 'compare',
    op: '=',
    field:
      key === 'name' ? { kind: 'intrinsic', name: 'name', pos: 0 } : { kind: 'attribute', scope: 'any', key, pos: 0 },
    value: { type: 'string', value, pos: 0 },
  }));
  const expr = conditions.reduce<SpanExpr | null>((a, c) => (a ? { kind: 'and', left: a, right: c } : c), null);
  return { spanset: { kind: 'filter', expr: expr ?? { kind: 'true' }, pos: 0 }, stages: [] };
}

/** Adds trace-duration bounds to every filter of a query (a trace-level condition, so ANDing it per filter is exact). */
export function withTraceDuration(q: Query, min?: number, max?: number): Query {
  if (min === undefined && max === undefined) return q;
  const bound = (op: '>=' | '<=', nanos: number): SpanExpr => ({
    kind: 'compare',
    op,
    field: { kind: 'intrinsic', name: 'trace:duration', pos: 0 },
    value: { type: 'duration', nanos, pos: 0 },
  });
  const add = (e: SpanExpr): SpanExpr => {
    let out = e;
    if (min !== undefined) out = { kind: 'and', left: out, right: bound('>=', min) };
    if (max !== undefined) out = { kind: 'and', left: out, right: bound('<=', max) };
    return out;
  };
  const map = (s: SpansetExpr): SpansetExpr =>
    s.kind === 'filter' ? { ...s, expr: add(s.expr) } : { ...s, left: map(s.left), right: map(s.right) };
  return { ...q, spanset: map(q.spanset) };
}

/** The last second the store's nanosecond times (int64) can hold. */
const MAX_UNIX_SECONDS = 9_223_372_036;

/**
 * A time of Tempo's metrics API, in Unix seconds: seconds (up to 10 digits, fractions allowed),
 * nanoseconds (more digits), or RFC 3339.
 */
export function metricsTime(raw: string, name: string): number {
  let s: number;
  if (/^\d+(\.\d+)?$/.test(raw)) s = raw.split('.')[0]!.length > 10 ? Number(raw) / 1e9 : Number(raw);
  else s = Date.parse(raw) / 1000;
  if (!Number.isFinite(s) || s < 0 || s > MAX_UNIX_SECONDS) {
    throw new BadRequest(`invalid ${name}: ${raw} (Unix seconds, nanoseconds or RFC 3339)`);
  }
  return s;
}

/** Tempo's `start`/`end`/`since` of a metrics query: the last hour by default. */
export function metricsRange(q: Record<string, string | undefined>, now: number): { start: number; end: number } {
  const end = q.end ? metricsTime(q.end, 'end') : now;
  const start = q.start
    ? metricsTime(q.start, 'start')
    : q.since
      ? end - goDurationNanos(q.since, 'since') / 1e9
      : end - 3600;
  if (!(start < end)) {
    throw new BadRequest(
      `http parameter start must be before end. received start=${q.start ?? start} end=${q.end ?? end}`,
    );
  }
  return { start, end };
}

/**
 * `step` in whole seconds: seconds (`30`, `1.5`) or a Go duration (`30s`, `1m`), rounded up to a
 * second; by default the range in about 240 steps, as Tempo does.
 */
export function metricsStep(raw: string | undefined, rangeSeconds: number): number {
  if (!raw) return Math.max(1, Math.ceil(rangeSeconds / 240));
  const seconds = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : goDurationNanos(raw, 'step') / 1e9;
  if (!(seconds > 0)) throw new BadRequest(`invalid step: ${raw}`);
  return Math.ceil(seconds);
}
