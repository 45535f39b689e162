import { spansToTracesData } from '@tracehouse/otlp';
import type { FastifyInstance } from 'fastify';
import { tenantOf } from '../auth/hook';
import type { ApiDeps } from './deps';
import { traceIdParam } from './params';
import { jsonWithSpansStream } from './traceBody';
import { NEXT_OFFSET_HEADER, readTracePage, SPAN_TOTAL_HEADER, TRACE_PAGE_QUERY } from './traceRead';

export function traceRoutes(app: FastifyInstance, { store, traceReads, decisions }: ApiDeps): void {
  app.get(
    '/api/v1/traces/:traceId',
    {
      schema: {
        summary: 'A trace as OTLP/JSON TracesData',
        description:
          'Kept or still in the recent full-fidelity window. 404 when unknown. At most query.maxTraceSpans ' +
          `spans in start-time order; the \`${SPAN_TOTAL_HEADER}\` header states how many the trace has and ` +
          `\`${NEXT_OFFSET_HEADER}\` the offset of the next page, when there is one.`,
        tags: ['traces'],
        params: { type: 'object', properties: { traceId: { type: 'string', description: '32 hex characters' } } },
        querystring: TRACE_PAGE_QUERY,
        response: {
          200: { type: 'object', additionalProperties: true, properties: { resourceSpans: { type: 'array' } } },
          404: { type: 'object', properties: { error: { type: 'string' } } },
        },
      },
    },
    async (req, reply) => {
      const { traceId, page } = await readTracePage(store, traceReads, req, reply);
      if (page.total === 0) return reply.code(404).send({ error: `trace ${traceId} not found` });
      return reply.type('application/json').send(jsonWithSpansStream(spansToTracesData(page.spans)));
    },
  );

  const nullable = (type: string) => ({ type: [type, 'null'] });
  app.get(
    '/api/v1/traces/:traceId/decision',
    {
      schema: {
        summary: "A trace's tail-sampling decision and why",
        description:
          'keep or drop with the rule that matched and the reason; pending while the trace is undecided. ' +
          'A decision, once made, never changes. 404 for a trace id never seen.',
        tags: ['traces'],
        params: { type: 'object', properties: { traceId: { type: 'string', description: '32 hex characters' } } },
        response: {
          200: {
            type: 'object',
            required: ['traceId', 'decision', 'rule', 'reason', 'decidedAtUnixNano', 'adjustedCount'],
            properties: {
              traceId: { type: 'string' },
              decision: { type: 'string', enum: ['keep', 'drop', 'pending'] },
              rule: nullable('string'),
              reason: nullable('string'),
              decidedAtUnixNano: { ...nullable('string'), description: 'ns since the epoch, decimal string' },
              adjustedCount: { ...nullable('number'), description: 'traces a kept one stands for (0 when dropped)' },
            },
          },
          404: { type: 'object', properties: { error: { type: 'string' } } },
        },
      },
    },
    async (req, reply) => {
      const traceId = traceIdParam((req.params as { traceId: string }).traceId);
      const decision = await decisions.lookup(traceId, tenantOf(req));
      if (!decision) return reply.code(404).send({ error: `trace ${traceId} not seen` });
      return decision;
    },
  );
}
