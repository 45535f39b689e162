import type { Query } from '@tracehouse/traceql';
import type { FastifyInstance } from 'fastify';
import { tenantOf } from '../auth/hook';
import type { ApiDeps } from './deps';
import { logJson, logSchema } from './logs';
import { limitParam, timeRange } from './params';
import { runSearch, traceSummaryJson, traceSummarySchema } from './search';

const ENDUSER_KEY = 'enduser.id';
const MAX_ITEMS = 1000;

/** `{ .enduser.id = "<id>" }`, built as syntax so the id needs no quoting. */
function enduserQuery(id: string): Query {
  return {
    spanset: {
      kind: 'filter',
      pos: 0,
      expr: {
        kind: 'compare',
        op: '=',
        field: { kind: 'attribute', scope: 'any', key: ENDUSER_KEY, pos: 0 },
        value: { type: 'string', value: id, pos: 0 },
      },
    },
    stages: [],
  };
}

/** One user's session: the traces and logs that carry their `enduser.id`, in time order. */
export function userRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get(
    '/api/v1/users/:enduserId/timeline',
    {
      schema: {
        summary: "A user's traces and logs, oldest first",
        description: `Traces with a span or resource attribute ${ENDUSER_KEY} equal to the id (kept and recent) and logs with that log attribute. The most recent \`limit\` items of the range.`,
        tags: ['users'],
        params: { type: 'object', properties: { enduserId: { type: 'string' } } },
        querystring: {
          type: 'object',
          properties: {
            start: { type: 'string', description: 'Unix seconds (default: end - 1h)' },
            end: { type: 'string', description: 'Unix seconds (default: now)' },
            limit: { type: 'string', description: `1-${MAX_ITEMS}, default 200` },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              userId: { type: 'string' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    kind: { type: 'string', enum: ['trace', 'log'] },
                    timeUnixNano: { type: 'string' },
                    trace: traceSummarySchema,
                    log: logSchema,
                  },
                },
              },
            },
          },
        },
      },
    },
    async (req) => {
      const userId = (req.params as { enduserId: string }).enduserId;
      const q = req.query as Record<string, string | undefined>;
      const range = { tenant: tenantOf(req), ...timeRange(q) };
      const limit = limitParam(q.limit, 200, MAX_ITEMS);
      const [traces, logs] = await Promise.all([
        runSearch(deps, { query: enduserQuery(userId), ...range, limit, spansPerTrace: 3, recent: true }),
        deps.store.queryLogsPage({ ...range, attributes: [[ENDUSER_KEY, userId]], limit }),
      ]);
      const items = [
        ...traces.map((t) => ({
          kind: 'trace' as const,
          timeUnixNano: t.startTimeUnixNano,
          trace: traceSummaryJson(t),
        })),
        ...logs.records.map((r) => ({ kind: 'log' as const, timeUnixNano: r.Timestamp, log: logJson(r) })),
      ];
      items.sort((a, b) => {
        const d = BigInt(a.timeUnixNano) - BigInt(b.timeUnixNano);
        return d < 0n ? -1 : d > 0n ? 1 : 0;
      });
      return { userId, items: items.slice(-limit) };
    },
  );
}
