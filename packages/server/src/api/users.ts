import { logCursorBefore } from '@tracehouse/store';
import type { Query } from '@tracehouse/traceql';
import type { FastifyInstance } from 'fastify';
import { tenantOf } from '../auth/hook';
import type { ApiDeps } from './deps';
import { logJson, logSchema } from './logs';
import { BadRequest, limitParam, timeRange } from './params';
import { runSearch, traceSummaryJson, traceSummarySchema } from './search';

const ENDUSER_KEY = 'enduser.id';
const MAX_ITEMS = 1000;
/**
 * Traces are found by their spans' times (newest first) but placed by their start: a page before
 * a cursor reads up to MAX_ITEMS traces with spans up to this long after it, so a trace that
 * started before the cursor and whose user's spans came later is still found.
 */
const TRACE_SPAN_SLACK_S = 300;

type Item = { kind: 'trace' | 'log'; timeUnixNano: string };
const byTime = (a: Item, b: Item) => {
  const d = BigInt(a.timeUnixNano) - BigInt(b.timeUnixNano);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};

/**
 * The newest `limit` items, plus any that share the oldest one's instant, so that a next page
 * of items strictly older than that instant misses none.
 */
function newestPage<T extends Item>(items: T[], limit: number): T[] {
  const sorted = [...items].sort(byTime);
  let from = Math.max(0, sorted.length - limit);
  while (from > 0 && sorted[from - 1].timeUnixNano === sorted[from].timeUnixNano) from--;
  return sorted.slice(from);
}

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
        description: `Traces with a span or resource attribute ${ENDUSER_KEY} equal to the id (kept and recent) and logs with that log attribute. The most recent \`limit\` items of the range (a few more when several share the oldest instant); \`nextCursor\` reads the older ones.`,
        tags: ['users'],
        params: { type: 'object', properties: { enduserId: { type: 'string' } } },
        querystring: {
          type: 'object',
          properties: {
            start: { type: 'string', description: 'Unix seconds (default: end - 1h)' },
            end: { type: 'string', description: 'Unix seconds (default: now)' },
            limit: { type: 'string', description: `1-${MAX_ITEMS}, default 200` },
            cursor: { type: 'string', description: 'nextCursor of the previous page: the items older than it' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              userId: { type: 'string' },
              nextCursor: { type: ['string', 'null'], description: 'null when the range has no older items' },
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
      // The cursor is the instant of the previous page's oldest item: this page is strictly older.
      const before = q.cursor === undefined || q.cursor === '' ? undefined : q.cursor;
      if (before !== undefined && !/^\d{1,19}$/.test(before)) throw new BadRequest('invalid cursor');
      const traceEnd = before
        ? Math.min(range.end, Number(BigInt(before) / 1_000_000_000n) + 1 + TRACE_SPAN_SLACK_S)
        : range.end;
      const [traces, logs] = await Promise.all([
        runSearch(deps, {
          query: enduserQuery(userId),
          ...range,
          end: traceEnd,
          limit: before ? MAX_ITEMS : limit,
          spansPerTrace: 3,
          recent: true,
        }),
        deps.store.queryLogsPage({
          ...range,
          attributes: [[ENDUSER_KEY, userId]],
          limit,
          cursor: before ? logCursorBefore(before) : undefined,
        }),
      ]);
      const older = (t: string) => before === undefined || BigInt(t) < BigInt(before);
      const candidates = [
        ...traces
          .filter((t) => older(t.startTimeUnixNano))
          .map((t) => ({ kind: 'trace' as const, timeUnixNano: t.startTimeUnixNano, trace: traceSummaryJson(t) })),
        ...logs.records.map((r) => ({ kind: 'log' as const, timeUnixNano: r.Timestamp, log: logJson(r) })),
      ];
      const items = newestPage(candidates, limit);
      const more =
        items.length < candidates.length || traces.length >= (before ? MAX_ITEMS : limit) || logs.nextCursor !== null;
      return { userId, items, nextCursor: more && items.length ? items[0].timeUnixNano : null };
    },
  );
}
