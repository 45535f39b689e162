import type { TraceSummary as TraceSummaryJson } from '@tracehouse/api';
import { AggregateFieldError, type TraceSearch, type TraceSummary } from '@tracehouse/store';
import { parse, type Query, TraceQLError } from '@tracehouse/traceql';
import type { FastifyInstance } from 'fastify';
import { tenantOf } from '../auth/hook';
import type { ApiDeps } from './deps';
import { BadRequest, limitParam, timeRange } from './params';

const MAX_TRACES = 1000;

/** A TraceQL query that does not parse: 400 with the position. */
export class TraceQLBadRequest extends BadRequest {
  constructor(readonly error: TraceQLError) {
    super(error.message);
  }
}

export function parseTraceQL(q: string | undefined): Query {
  try {
    return parse(q?.trim() ? q : '{}');
  } catch (e) {
    if (e instanceof TraceQLError) throw new TraceQLBadRequest(e);
    throw e;
  }
}

/** Runs a search; an engine-side bad regular expression or a non-numeric aggregate is the caller's error. */
export async function runSearch(deps: ApiDeps, args: TraceSearch): Promise<TraceSummary[]> {
  try {
    // Bounded by the store's SEARCH_LIMITS (time and memory per query).
    return await deps.store.searchTraces(args);
  } catch (e) {
    const code = String((e as { code?: string }).code ?? '');
    if (code === '427') throw new BadRequest('invalid regular expression');
    if (e instanceof AggregateFieldError) throw new BadRequest(e.message);
    throw e;
  }
}

export function boolParam(v: unknown, name: string, fallback: boolean): boolean {
  if (v === undefined || v === '') return fallback;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new BadRequest(`${name} must be true or false`);
}

export function intParam(v: unknown, name: string, fallback: number, min: number, max: number): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new BadRequest(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** The native API's trace summary. */
export function traceSummaryJson(t: TraceSummary): TraceSummaryJson {
  return {
    traceId: t.traceId,
    rootServiceName: t.rootServiceName,
    rootSpanName: t.rootSpanName,
    startTimeUnixNano: t.startTimeUnixNano,
    durationNanos: t.durationNanos,
    spanCount: t.spanCount,
    errorCount: t.errorCount,
    decision: t.decision,
    source: t.source,
    matchedSpans: t.matchedSpans.map((s) => ({
      spanId: s.spanId,
      serviceName: s.serviceName,
      name: s.name,
      startTimeUnixNano: s.startTimeUnixNano,
      durationNanos: s.durationNanos,
      statusCode: s.statusCode,
      ...(Object.keys(s.selected).length ? { attributes: selectedJson(s.selected) } : {}),
    })),
  };
}

function selectedJson(sel: Record<string, [string, string]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, [v, type]] of Object.entries(sel)) {
    out[k] = type === 'int' || type === 'double' ? Number(v) : type === 'bool' ? v === 'true' : v;
  }
  return out;
}

const matchedSpanSchema = {
  type: 'object',
  properties: {
    spanId: { type: 'string' },
    serviceName: { type: 'string' },
    name: { type: 'string' },
    startTimeUnixNano: { type: 'string' },
    durationNanos: { type: 'string' },
    statusCode: { type: 'string', enum: ['Unset', 'Ok', 'Error'] },
    attributes: { type: 'object', additionalProperties: true, description: 'values asked for with select(...)' },
  },
};

export const traceSummarySchema = {
  type: 'object',
  properties: {
    traceId: { type: 'string' },
    rootServiceName: { type: 'string' },
    rootSpanName: { type: 'string' },
    startTimeUnixNano: { type: 'string' },
    durationNanos: { type: 'string' },
    spanCount: { type: 'integer' },
    errorCount: { type: 'integer' },
    decision: { type: 'string', enum: ['keep', 'drop', 'pending'] },
    source: { type: 'string', enum: ['kept', 'recent'] },
    matchedSpans: { type: 'array', items: matchedSpanSchema },
  },
};

export const errorSchema = { type: 'object', properties: { error: { type: 'string' } } };

export function searchRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get(
    '/api/v1/search',
    {
      schema: {
        summary: 'Search traces with TraceQL',
        description:
          'Kept traces, and with recent=true also the recent full-fidelity window. Newest match first. See docs/query.md for the TraceQL subset.',
        tags: ['traces'],
        querystring: {
          type: 'object',
          properties: {
            q: { type: 'string', description: 'TraceQL, e.g. { resource.service.name = "shop" && duration > 2s }' },
            start: { type: 'string', description: 'Unix seconds (default: end - 1h)' },
            end: { type: 'string', description: 'Unix seconds (default: now)' },
            limit: { type: 'string', description: `1-${MAX_TRACES}, default 20` },
            spss: { type: 'string', description: 'matched spans per trace, default 3' },
            recent: { type: 'string', enum: ['true', 'false', ''], description: 'also search the recent window' },
          },
        },
        response: {
          200: { type: 'object', properties: { traces: { type: 'array', items: traceSummarySchema } } },
          400: { type: 'object', properties: { error: { type: 'string' }, position: { type: 'integer' } } },
          503: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const q = req.query as Record<string, string | undefined>;
      let query: Query;
      try {
        query = parseTraceQL(q.q);
      } catch (e) {
        if (e instanceof TraceQLBadRequest) {
          return reply.code(400).send({ error: e.error.message, position: e.error.position });
        }
        throw e;
      }
      const traces = await runSearch(deps, {
        tenant: tenantOf(req),
        query,
        ...timeRange(q),
        limit: limitParam(q.limit, 20, MAX_TRACES),
        spansPerTrace: intParam(q.spss, 'spss', 3, 1, 100),
        recent: boolParam(q.recent, 'recent', false),
      });
      return { traces: traces.map(traceSummaryJson) };
    },
  );
}
