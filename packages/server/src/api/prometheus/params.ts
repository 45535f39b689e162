import {
  badData,
  type LabelMatcher,
  PromQLError,
  parseDurationParam,
  parseExpr,
  parseTimeParam,
} from '@tracehouse/promql';
import type { FastifyRequest } from 'fastify';

/** Parameters as Prometheus reads them: the URL query and a form-encoded POST body, the body first. */
export function formOf(req: FastifyRequest): URLSearchParams {
  const out = new URLSearchParams();
  const query = req.query as Record<string, string | string[] | undefined>;
  for (const [k, v] of Object.entries(query ?? {}))
    for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) out.append(k, one);
  if (req.body instanceof URLSearchParams) {
    for (const k of new Set(req.body.keys())) out.delete(k);
    for (const [k, v] of req.body) out.append(k, v);
  }
  return out;
}

export function required(p: URLSearchParams, name: string): string {
  const v = p.get(name);
  if (v === null || v === '') throw badData(`invalid parameter "${name}": missing`);
  return v;
}

export function timeParam(p: URLSearchParams, name: string, fallbackMs: number): number {
  const v = p.get(name);
  return v === null || v === '' ? fallbackMs : parseTimeParam(v, name);
}

/** `timeout` shortens the configured one; it never lengthens it. */
export function timeoutParam(p: URLSearchParams, maxMs: number): number {
  const v = p.get('timeout');
  if (v === null || v === '') return maxMs;
  const ms = parseDurationParam(v, 'timeout');
  if (ms <= 0) throw badData('invalid parameter "timeout": must be positive');
  return Math.min(ms, maxMs);
}

export function stepParam(p: URLSearchParams): number {
  const ms = parseDurationParam(required(p, 'step'), 'step');
  if (ms <= 0)
    throw badData(
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
  return ms;
}

/** `match[]` selectors (each must be a plain series selector), as matcher lists. */
export function matchParams(p: URLSearchParams, needed: boolean): LabelMatcher[][] {
  const raw = p.getAll('match[]');
  if (needed && raw.length === 0) throw badData('no match[] parameter provided');
  return raw.map((text) => {
    let expr: ReturnType<typeof parseExpr>;
    try {
      expr = parseExpr(text);
    } catch (err) {
      if (err instanceof PromQLError) throw badData(`invalid parameter "match[]": ${err.message}`);
      throw err;
    }
    if (expr.kind !== 'vector' || expr.offsetMs !== 0 || expr.at)
      throw badData(`invalid parameter "match[]": "${text}" is not a series selector`);
    return expr.matchers;
  });
}

/** A [start, end] pair for the metadata routes: both optional, the last `defaultMs` by default. */
export function rangeParams(p: URLSearchParams, nowMs: number, defaultMs: number): { startMs: number; endMs: number } {
  const endMs = timeParam(p, 'end', nowMs);
  const startMs = timeParam(p, 'start', endMs - defaultMs);
  if (endMs < startMs) throw badData('invalid parameter "end": end timestamp must not be before start time');
  return { startMs, endMs };
}
