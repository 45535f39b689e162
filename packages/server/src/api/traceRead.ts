import type { Store, TracePage } from '@tracehouse/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { tenantOf } from '../auth/hook';
import type { Gate } from './gate';
import { BadRequest, traceIdParam } from './params';

/** How big one trace response may be, and how many may be produced at once. */
export interface TraceReadLimits {
  /** Spans in one response (query.maxTraceSpans); the rest are read with `offset`. */
  maxSpans: number;
  /** Trace reads (query + response) in progress at once (query.maxConcurrentTraceReads). */
  gate: Gate;
}

export const TRACE_PAGE_QUERY = {
  type: 'object',
  properties: {
    limit: { type: 'string', description: 'spans in this response (default and maximum: query.maxTraceSpans)' },
    offset: { type: 'string', description: 'spans to skip, in start-time order (the next page)' },
  },
} as const;

/** Response headers that state what part of the trace a response holds. */
export const SPAN_TOTAL_HEADER = 'x-trace-span-total';
export const NEXT_OFFSET_HEADER = 'x-trace-next-offset';

function pageParams(query: unknown, maxSpans: number): { limit: number; offset: number } {
  const q = (query ?? {}) as { limit?: string; offset?: string };
  const int = (v: string | undefined, name: string, fallback: number, min: number, max: number) => {
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new BadRequest(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  return {
    limit: int(q.limit, 'limit', maxSpans, 1, maxSpans),
    offset: int(q.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

/**
 * Reads one page of the trace named in the route, inside the gate; the gate is held until
 * the response is finished (or the client goes away), so the serialisation of a large
 * response counts too. Sets the headers that state the total and the next page.
 */
export async function readTracePage(
  store: Store,
  limits: TraceReadLimits,
  req: FastifyRequest,
  reply: FastifyReply,
  idName?: string,
): Promise<{ traceId: string; page: TracePage }> {
  const traceId = traceIdParam((req.params as { traceId: string }).traceId, idName);
  const { limit, offset } = pageParams(req.query, limits.maxSpans);
  const release = await limits.gate.acquire();
  reply.raw.once('close', release);
  let page: TracePage;
  try {
    page = await store.getTracePage(traceId, tenantOf(req), { limit, offset });
  } catch (err) {
    release();
    throw err;
  }
  reply.header(SPAN_TOTAL_HEADER, String(page.total));
  const next = offset + page.spans.length;
  if (next < page.total) reply.header(NEXT_OFFSET_HEADER, String(next));
  return { traceId, page };
}
