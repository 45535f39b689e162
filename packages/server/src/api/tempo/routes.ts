import { encodeTracesData, spansToTracesData } from '@tracehouse/otlp';
import type { TraceSummary } from '@tracehouse/store';
import { parse, type Query, TraceQLError } from '@tracehouse/traceql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tenantOf } from '../../auth/hook';
import type { ApiDeps } from '../deps';
import { BadRequest, timeRange } from '../params';
import { intParam, parseTraceQL, runSearch, TraceQLBadRequest } from '../search';
import { scopeParam, tagScopesResponse, typedTagValuesResponse } from '../tags';
import { jsonWithSpansStream } from '../traceBody';
import { readTracePage } from '../traceRead';
import { plainTextErrors, tempoMetricsRoutes } from './metrics';
import { goDurationNanos, logfmt, tagsQuery, withTraceDuration } from './params';
import { traceByIdResponse } from './protobuf';

const NO_ROOT = '<root span not yet received>';
const TAG = ['tempo'];

const wantsProtobuf = (req: FastifyRequest) => /application\/protobuf/.test(req.headers.accept ?? '');

/** Tempo's search result span: AnyValue attributes, ns as strings. */
function tempoSpan(s: TraceSummary['matchedSpans'][number]) {
  const attributes: { key: string; value: Record<string, unknown> }[] = [
    { key: 'service.name', value: { stringValue: s.serviceName } },
  ];
  if (s.statusCode === 'Error') attributes.push({ key: 'status', value: { stringValue: 'error' } });
  for (const [key, [v, type]] of Object.entries(s.selected)) {
    const value =
      type === 'int'
        ? { intValue: v }
        : type === 'double'
          ? { doubleValue: Number(v) }
          : type === 'bool'
            ? { boolValue: v === 'true' }
            : { stringValue: v };
    attributes.push({ key: key.replace(/^(span|resource)?\./, ''), value });
  }
  return {
    spanID: s.spanId,
    name: s.name,
    startTimeUnixNano: s.startTimeUnixNano,
    durationNanos: s.durationNanos,
    attributes,
  };
}

function tempoTrace(t: TraceSummary) {
  const spanSet = { spans: t.matchedSpans.map(tempoSpan), matched: t.matchedCount };
  return {
    traceID: t.traceId,
    rootServiceName: t.rootServiceName || NO_ROOT,
    rootTraceName: t.rootSpanName || NO_ROOT,
    startTimeUnixNano: t.startTimeUnixNano,
    durationMs: Math.floor(Number(t.durationNanos) / 1e6),
    spanSet,
    spanSets: [spanSet],
  };
}

const anyValueSchema = { type: 'object', additionalProperties: true };
const tempoSpanSet = {
  type: 'object',
  properties: {
    matched: { type: 'integer' },
    spans: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          spanID: { type: 'string' },
          name: { type: 'string' },
          startTimeUnixNano: { type: 'string' },
          durationNanos: { type: 'string' },
          attributes: {
            type: 'array',
            items: { type: 'object', properties: { key: { type: 'string' }, value: anyValueSchema } },
          },
        },
      },
    },
  },
};

/** Grafana's Tempo datasource pointed at `http://host:3200/tempo` works unchanged against these. */
export function tempoRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { store } = deps;
  app.get('/tempo/api/echo', { schema: { summary: 'Tempo datasource health check', tags: TAG } }, async (_r, reply) =>
    reply.type('text/plain').send('echo'),
  );
  app.get('/tempo/ready', { schema: { summary: 'Tempo readiness', tags: TAG } }, async (_r, reply) => {
    const ok = deps.isReady() && (await store.ping());
    return reply
      .code(ok ? 200 : 503)
      .type('text/plain')
      .send(ok ? 'ready' : 'not ready');
  });

  const traceById = (v2: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    const { traceId, page } = await readTracePage(store, deps.traceReads, req, reply, 'trace id');
    const spans = page.spans;
    if (page.total === 0) return reply.code(404).send({ error: `trace ${traceId} not found` });
    if (wantsProtobuf(req)) {
      const bytes = encodeTracesData(spans);
      return reply.type('application/protobuf').send(Buffer.from(v2 ? traceByIdResponse(bytes) : bytes));
    }
    const data = spansToTracesData(spans);
    const partial = spans.length < page.total;
    const status = partial
      ? { status: 'PARTIAL', message: `${spans.length} of ${page.total} spans (query.maxTraceSpans); page with offset` }
      : { status: 'COMPLETE' };
    // Tempo names the list `batches`; OTLP/JSON readers look for `resourceSpans` (the same objects).
    const doc = v2 ? { trace: data, ...status } : { batches: data.resourceSpans, ...data };
    return reply.type('application/json').send(jsonWithSpansStream(doc));
  };
  const traceParams = { type: 'object', properties: { traceId: { type: 'string' } } };
  app.get(
    '/tempo/api/traces/:traceId',
    {
      schema: {
        summary: 'Trace by id (tempopb.Trace)',
        description: 'Protobuf `Trace` (= OTLP TracesData) with Accept: application/protobuf, else JSON.',
        tags: TAG,
        params: traceParams,
      },
    },
    traceById(false),
  );
  app.get(
    '/tempo/api/v2/traces/:traceId',
    {
      schema: {
        summary: 'Trace by id (tempopb.TraceByIDResponse)',
        description: 'Protobuf `TraceByIDResponse` with Accept: application/protobuf, else JSON {trace, status}.',
        tags: TAG,
        params: traceParams,
      },
    },
    traceById(true),
  );

  app.get(
    '/tempo/api/search',
    {
      schema: {
        summary: 'Tempo search (TraceQL or logfmt tags)',
        tags: TAG,
        querystring: {
          type: 'object',
          properties: {
            q: { type: 'string' },
            tags: { type: 'string', description: 'logfmt key=value pairs (legacy search)' },
            minDuration: { type: 'string', description: 'Go duration; trace duration lower bound' },
            maxDuration: { type: 'string' },
            limit: { type: 'string', description: 'default 20' },
            spss: { type: 'string', description: 'spans per span set, default 3' },
            start: { type: 'string', description: 'Unix seconds' },
            end: { type: 'string', description: 'Unix seconds' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              traces: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    traceID: { type: 'string' },
                    rootServiceName: { type: 'string' },
                    rootTraceName: { type: 'string' },
                    startTimeUnixNano: { type: 'string' },
                    durationMs: { type: 'integer' },
                    spanSet: tempoSpanSet,
                    spanSets: { type: 'array', items: tempoSpanSet },
                  },
                },
              },
              metrics: { type: 'object', additionalProperties: true },
            },
          },
          400: { type: 'string' },
        },
      },
      errorHandler: plainTextErrors,
    },
    async (req, reply) => {
      const q = req.query as Record<string, string | undefined>;
      let query: Query;
      try {
        query = q.q?.trim() ? parseTraceQL(q.q) : tagsQuery(logfmt(q.tags ?? ''));
      } catch (e) {
        // Tempo answers a bad query with 400 and the parser's message as plain text.
        if (e instanceof TraceQLBadRequest || e instanceof BadRequest) {
          return reply.code(400).type('text/plain').send(e.message);
        }
        throw e;
      }
      const min = q.minDuration ? goDurationNanos(q.minDuration, 'minDuration') : undefined;
      const max = q.maxDuration ? goDurationNanos(q.maxDuration, 'maxDuration') : undefined;
      const traces = await runSearch(deps, {
        tenant: tenantOf(req),
        query: withTraceDuration(query, min, max),
        ...timeRange(q),
        limit: intParam(q.limit, 'limit', 20, 1, 1000),
        spansPerTrace: intParam(q.spss, 'spss', 3, 1, 100),
        recent: true,
      });
      return {
        traces: traces.map(tempoTrace),
        metrics: { inspectedTraces: traces.length, inspectedBytes: '0', completedJobs: 1, totalJobs: 1 },
      };
    },
  );

  const tagRange = (req: FastifyRequest) => {
    const q = req.query as Record<string, string | undefined>;
    return {
      tenant: tenantOf(req),
      ...timeRange({ start: q.start ?? (q.end ? undefined : String(Date.now() / 1000 - 86400)), end: q.end }),
    };
  };
  const tagQuery = {
    type: 'object',
    properties: {
      scope: { type: 'string' },
      q: {
        type: 'string',
        description:
          'v2 values: a TraceQL query; only values seen on spans matching its conditions (newest hour of the range). Ignored by the other routes, and when incomplete or invalid.',
      },
      start: { type: 'string' },
      end: { type: 'string' },
      limit: { type: 'string' },
    },
  };
  app.get(
    '/tempo/api/search/tags',
    {
      schema: {
        summary: 'Tag names (v1)',
        tags: TAG,
        querystring: tagQuery,
        response: { 200: { type: 'object', properties: { tagNames: { type: 'array', items: { type: 'string' } } } } },
      },
    },
    async (req) => {
      const q = req.query as Record<string, string | undefined>;
      const scope = scopeParam(q.scope);
      const scopes = await store.searchTags({ ...tagRange(req), scope });
      const names = scopes.filter((s) => scope === 'intrinsic' || s.name !== 'intrinsic').flatMap((s) => s.tags);
      return { tagNames: [...new Set(names)].sort() };
    },
  );
  app.get(
    '/tempo/api/v2/search/tags',
    {
      schema: {
        summary: 'Tag names per scope (v2)',
        tags: TAG,
        querystring: tagQuery,
        response: { 200: tagScopesResponse },
      },
    },
    async (req) => {
      const q = req.query as Record<string, string | undefined>;
      return { scopes: await store.searchTags({ ...tagRange(req), scope: scopeParam(q.scope) }) };
    },
  );
  const tagParams = { type: 'object', properties: { tag: { type: 'string' } } };
  app.get(
    '/tempo/api/search/tag/:tag/values',
    {
      schema: {
        summary: 'Values of an unscoped tag (v1)',
        tags: TAG,
        params: tagParams,
        querystring: tagQuery,
        response: { 200: { type: 'object', properties: { tagValues: { type: 'array', items: { type: 'string' } } } } },
      },
    },
    async (req) => {
      const tag = (req.params as { tag: string }).tag;
      // v1 tags are unscoped attribute names, except the span name.
      const values = await store.tagValues({ ...tagRange(req), tag: tag === 'name' ? 'name' : `.${tag}` });
      return { tagValues: [...new Set(values.map((v) => v.value))] };
    },
  );
  app.get(
    '/tempo/api/v2/search/tag/:tag/values',
    {
      schema: {
        summary: 'Typed values of a scoped tag (v2)',
        description:
          'With q, a TraceQL query, only values seen on spans matching its conditions in the newest hour of the range; an incomplete or invalid q is ignored: the full list is returned.',
        tags: TAG,
        params: tagParams,
        querystring: tagQuery,
        response: { 200: typedTagValuesResponse },
      },
    },
    async (req) => {
      const q = req.query as Record<string, string | undefined>;
      const tag = (req.params as { tag: string }).tag;
      return { tagValues: await store.tagValues({ ...tagRange(req), tag, query: lenientTraceQL(q.q) }) };
    },
  );
  tempoMetricsRoutes(app, deps);
}

/** Grafana sends the query being typed: one that does not parse (yet) filters nothing. */
function lenientTraceQL(q: string | undefined): Query | undefined {
  if (!q?.trim()) return undefined;
  try {
    return parse(q);
  } catch (e) {
    if (e instanceof TraceQLError) return undefined;
    throw e;
  }
}
