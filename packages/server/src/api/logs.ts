import { attributesToJson, attributeToJson, type LogRecord } from '@tracehouse/otlp';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './app';
import { BadRequest, limitParam, spanIdParam, timeRange, traceIdParam } from './params';

const MAX_LOGS = 1000;

function logJson(r: LogRecord) {
  return {
    timeUnixNano: r.Timestamp,
    observedTimeUnixNano: r.ObservedTimestamp,
    severityNumber: r.SeverityNumber,
    severityText: r.SeverityText,
    body: attributeToJson(r.Body, r.BodyType || undefined),
    eventName: r.EventName,
    traceId: r.TraceId,
    spanId: r.SpanId,
    serviceName: r.ServiceName,
    attributes: attributesToJson(r.LogAttributes, r.LogAttributeTypes),
    resourceAttributes: attributesToJson(r.ResourceAttributes, r.ResourceAttributeTypes),
  };
}

export function logRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  app.get(
    '/api/v1/logs',
    {
      schema: {
        summary: 'Log records, newest first',
        tags: ['logs'],
        querystring: {
          type: 'object',
          properties: {
            traceId: { type: 'string' },
            spanId: { type: 'string' },
            service: { type: 'string' },
            severityMin: { type: 'string', description: 'lowest severity number (1-24)' },
            q: { type: 'string', description: 'case-insensitive text in the body' },
            start: { type: 'string', description: 'Unix seconds (default: end - 1h)' },
            end: { type: 'string', description: 'Unix seconds (default: now)' },
            limit: { type: 'string', description: `1-${MAX_LOGS}, default 100` },
          },
        },
      },
    },
    async (req) => {
      const q = req.query as Record<string, string | undefined>;
      let severityMin: number | undefined;
      if (q.severityMin !== undefined && q.severityMin !== '') {
        severityMin = Number(q.severityMin);
        if (!Number.isInteger(severityMin) || severityMin < 0 || severityMin > 24) {
          throw new BadRequest('severityMin must be an integer from 0 to 24');
        }
      }
      const records = await store.queryLogs({
        ...timeRange(q),
        traceId: q.traceId ? traceIdParam(q.traceId) : undefined,
        spanId: q.spanId ? spanIdParam(q.spanId) : undefined,
        service: q.service || undefined,
        severityMin,
        text: q.q || undefined,
        limit: limitParam(q.limit, 100, MAX_LOGS),
      });
      return { logs: records.map(logJson) };
    },
  );
}
