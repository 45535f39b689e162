import { attributesToJson, attributeToJson, type LogRecord } from '@tracehouse/otlp';
import { CursorError, type LogQuery } from '@tracehouse/store';
import type { FastifyInstance } from 'fastify';
import { tenantOf } from '../auth/hook';
import type { ApiDeps } from './deps';
import { BadRequest, limitParam, spanIdParam, timeRange, traceIdParam } from './params';

const MAX_LOGS = 1000;
const MAX_BUCKETS = 2000;

export function logJson(r: LogRecord) {
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

export const logSchema = {
  type: 'object',
  properties: {
    timeUnixNano: { type: 'string' },
    observedTimeUnixNano: { type: 'string' },
    severityNumber: { type: 'integer' },
    severityText: { type: 'string' },
    body: {},
    eventName: { type: 'string' },
    traceId: { type: 'string' },
    spanId: { type: 'string' },
    serviceName: { type: 'string' },
    attributes: { type: 'object', additionalProperties: true },
    resourceAttributes: { type: 'object', additionalProperties: true },
  },
};

const filterProperties = {
  traceId: { type: 'string' },
  spanId: { type: 'string' },
  service: { type: 'string' },
  severityMin: { type: 'string', description: 'lowest severity number (1-24)' },
  q: { type: 'string', description: 'full text: every word must appear in the body (case-insensitive)' },
  attr: {
    type: 'array',
    items: { type: 'string' },
    description: 'key=value on the log attributes (repeatable)',
  },
  start: { type: 'string', description: 'Unix seconds (default: end - 1h)' },
  end: { type: 'string', description: 'Unix seconds (default: now)' },
};

type Q = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** The filters shared by /logs and /logs/histogram, within the caller's tenant. */
function logFilters(q: Q, tenant: string): Omit<LogQuery, 'limit' | 'cursor'> {
  let severityMin: number | undefined;
  const sev = one(q.severityMin);
  if (sev !== undefined && sev !== '') {
    severityMin = Number(sev);
    if (!Number.isInteger(severityMin) || severityMin < 0 || severityMin > 24) {
      throw new BadRequest('severityMin must be an integer from 0 to 24');
    }
  }
  const attrs = (q.attr === undefined ? [] : Array.isArray(q.attr) ? q.attr : [q.attr]).map((a): [string, string] => {
    const i = a.indexOf('=');
    if (i <= 0) throw new BadRequest('attr must be key=value');
    return [a.slice(0, i), a.slice(i + 1)];
  });
  const traceId = one(q.traceId);
  const spanId = one(q.spanId);
  return {
    tenant,
    ...timeRange({ start: one(q.start), end: one(q.end) }),
    traceId: traceId ? traceIdParam(traceId) : undefined,
    spanId: spanId ? spanIdParam(spanId) : undefined,
    service: one(q.service) || undefined,
    severityMin,
    text: one(q.q) || undefined,
    attributes: attrs,
  };
}

export function logRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  app.get(
    '/api/v1/logs',
    {
      schema: {
        summary: 'Log records, newest first, paginated',
        tags: ['logs'],
        querystring: {
          type: 'object',
          properties: {
            ...filterProperties,
            limit: { type: 'string', description: `1-${MAX_LOGS}, default 100` },
            cursor: { type: 'string', description: 'nextCursor of the previous page' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              logs: { type: 'array', items: logSchema },
              nextCursor: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
    async (req) => {
      const q = req.query as Q;
      try {
        const page = await store.queryLogsPage({
          ...logFilters(q, tenantOf(req)),
          limit: limitParam(one(q.limit), 100, MAX_LOGS),
          cursor: one(q.cursor) || undefined,
        });
        return { logs: page.records.map(logJson), nextCursor: page.nextCursor };
      } catch (e) {
        if (e instanceof CursorError) throw new BadRequest(e.message);
        throw e;
      }
    },
  );

  app.get(
    '/api/v1/logs/histogram',
    {
      schema: {
        summary: 'Log counts per time bucket and severity',
        tags: ['logs'],
        querystring: {
          type: 'object',
          properties: {
            ...filterProperties,
            step: { type: 'string', description: 'seconds (default: about 60 buckets)' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              step: { type: 'integer' },
              buckets: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: Object.fromEntries(
                    ['t', 'trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((k) => [k, { type: 'integer' }]),
                  ),
                },
              },
            },
          },
        },
      },
    },
    async (req) => {
      const q = req.query as Q;
      const filters = logFilters(q, tenantOf(req));
      const span = filters.end - filters.start;
      const stepText = one(q.step);
      const step = stepText === undefined || stepText === '' ? Math.max(1, Math.ceil(span / 60)) : Number(stepText);
      if (!Number.isInteger(step) || step < 1) throw new BadRequest('step must be a positive integer of seconds');
      if (span / step > MAX_BUCKETS) throw new BadRequest(`step too small: more than ${MAX_BUCKETS} buckets`);
      return { step, buckets: await store.logHistogram({ ...filters, step }) };
    },
  );

  app.get(
    '/api/v1/logs/context',
    {
      schema: {
        summary: 'The log records of one service around an instant, oldest first',
        tags: ['logs'],
        querystring: {
          type: 'object',
          required: ['service', 'timeUnixNano'],
          properties: {
            service: { type: 'string' },
            timeUnixNano: { type: 'string', description: 'the anchor record time' },
            before: { type: 'string', description: '0-500, default 20' },
            after: { type: 'string', description: '0-500, default 20' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { logs: { type: 'array', items: logSchema }, anchorIndex: { type: 'integer' } },
          },
        },
      },
    },
    async (req) => {
      const q = req.query as Record<string, string | undefined>;
      if (!q.service) throw new BadRequest('service is required');
      if (!q.timeUnixNano || !/^\d{1,19}$/.test(q.timeUnixNano)) {
        throw new BadRequest('timeUnixNano must be a decimal nanosecond time');
      }
      const count = (v: string | undefined, name: string) => {
        if (v === undefined || v === '') return 20;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 500) throw new BadRequest(`${name} must be an integer from 0 to 500`);
        return n;
      };
      const { records, anchorIndex } = await store.logContext({
        tenant: tenantOf(req),
        service: q.service,
        timeUnixNano: q.timeUnixNano,
        before: count(q.before, 'before'),
        after: count(q.after, 'after'),
      });
      return { logs: records.map(logJson), anchorIndex };
    },
  );
}
