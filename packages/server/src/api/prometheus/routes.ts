import {
  compareLabels,
  formatFloat,
  PromQLError,
  parseExpr,
  resultJson,
  selectorMatchers,
  sortedLabels,
} from '@tracehouse/promql';
import { QueryLimitError } from '@tracehouse/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tenantOf } from '../../auth/hook';
import type { PrometheusApi } from './api';
import { formOf, matchParams, rangeParams, required, stepParam, timeoutParam, timeParam } from './params';
import { labelMatchers, nameFilter } from './source';

/** Prometheus's status code per error type. */
const STATUS: Record<string, number> = {
  bad_data: 400,
  execution: 422,
  timeout: 503,
  canceled: 499,
  unavailable: 503,
  internal: 500,
};

/** Metadata routes without start/end look this far back (Prometheus: all of the TSDB). */
const DEFAULT_METADATA_RANGE_MS = 24 * 3_600_000;

type Handler = (p: URLSearchParams, req: FastifyRequest) => Promise<unknown>;

function fail(reply: FastifyReply, err: unknown) {
  if (err instanceof PromQLError)
    return reply.code(STATUS[err.type] ?? 500).send({ status: 'error', errorType: err.type, error: err.message });
  if (err instanceof QueryLimitError)
    return reply.code(422).send({ status: 'error', errorType: 'execution', error: err.message });
  // Never an engine message or a stack trace to the client.
  return reply.code(500).send({ status: 'error', errorType: 'internal', error: 'internal error' });
}

/**
 * The Prometheus HTTP API under /prometheus (Grafana's Prometheus data source points here):
 * same parameters, JSON shapes, error types and status codes as Prometheus, GET or form POST,
 * each request scoped to the caller's tenant.
 */
export function prometheusRoutes(app: FastifyInstance, api: PrometheusApi): void {
  app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 * 1024 },
      (_req, body, done) => done(null, new URLSearchParams(body as string)),
    );
    const route = (path: string, summary: string, handler: Handler) => {
      for (const method of ['GET', 'POST'] as const)
        scope.route({
          method,
          url: `/prometheus/api/v1/${path}`,
          config: { auth: 'viewer' },
          schema: { summary: `${summary} (Prometheus HTTP API)`, tags: ['prometheus'] },
          handler: async (req, reply) => {
            try {
              const data = await handler(formOf(req), req);
              return reply.send({ status: 'success', data });
            } catch (err) {
              return fail(reply, err);
            }
          },
        });
    };

    route('query', 'Evaluates PromQL at one time', async (p, req) => {
      const timeoutMs = timeoutParam(p, api.timeoutMs);
      const time = timeParam(p, 'time', api.now());
      const query = required(p, 'query');
      const tenant = tenantOf(req);
      return api.coalesce(JSON.stringify(['query', tenant, query, time, timeoutMs]), async () =>
        resultJson(await api.engine(tenant, { timeoutMs, interactive: true }).instantQuery(query, time, { timeoutMs })),
      );
    });

    route('query_range', 'Evaluates PromQL over a range at a step', async (p, req) => {
      const timeoutMs = timeoutParam(p, api.timeoutMs);
      const query = required(p, 'query');
      const start = timeParam(p, 'start', Number.NaN);
      const end = timeParam(p, 'end', Number.NaN);
      if (Number.isNaN(start)) required(p, 'start');
      if (Number.isNaN(end)) required(p, 'end');
      const step = stepParam(p);
      const tenant = tenantOf(req);
      return api.coalesce(JSON.stringify(['query_range', tenant, query, start, end, step, timeoutMs]), async () =>
        resultJson(
          await api.engine(tenant, { timeoutMs, interactive: true }).rangeQuery(query, start, end, step, { timeoutMs }),
        ),
      );
    });

    route('series', 'Series matching selectors', async (p, req) => {
      const sets = await labelSets(api, p, tenantOf(req), true);
      return sets.map(sortedLabels);
    });

    route('labels', 'Label names', async (p, req) => {
      const sets = await labelSets(api, p, tenantOf(req), false);
      return [...new Set(sets.flatMap((s) => Object.keys(s)))].sort();
    });

    route('label/:name/values', 'Values of one label', async (p, req) => {
      const { name } = req.params as { name: string };
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new PromQLError('bad_data', `invalid label name: "${name}"`);
      const sets = await labelSets(api, p, tenantOf(req), false);
      return [...new Set(sets.flatMap((s) => (s[name] === undefined ? [] : [s[name]!])))].sort();
    });

    route('query_exemplars', 'Exemplars of the series an expression selects', async (p, req) => {
      const expr = parseExpr(required(p, 'query'));
      const base = metadataScope(api, p, tenantOf(req));
      const bySeries = new Map<string, { seriesLabels: Record<string, string>; exemplars: unknown[] }>();
      for (const matchers of selectorMatchers(expr))
        for (const s of await api.store.exemplars(
          { ...base, matchers: labelMatchers(matchers) },
          nameFilter(matchers),
        )) {
          const seriesLabels = sortedLabels(s.labels);
          bySeries.set(JSON.stringify(seriesLabels), {
            seriesLabels,
            exemplars: s.exemplars.map((e) => ({
              labels: { trace_id: e.traceId, span_id: e.spanId },
              value: formatFloat(e.value),
              timestamp: e.timeMs / 1000,
            })),
          });
        }
      return [...bySeries.values()].sort((a, b) => compareLabels(a.seriesLabels, b.seriesLabels));
    });

    route('metadata', 'Metric metadata (type, help, unit)', async (p, req) => {
      const { startMs, endMs } = rangeParams(p, api.now(), DEFAULT_METADATA_RANGE_MS);
      const metric = p.get('metric');
      const limit = Number(p.get('limit') ?? -1);
      const out: Record<string, { type: string; help: string; unit: string }[]> = {};
      for (const m of await api.store.metadata(tenantOf(req), startMs, endMs)) {
        if (metric && m.name !== metric) continue;
        if (limit >= 0 && Object.keys(out).length >= limit) break;
        out[m.name] = [{ type: m.type, help: m.help, unit: m.unit }];
      }
      return out;
    });

    route('status/buildinfo', 'Build information', async () => ({
      // Grafana reads the version to pick the API features it uses: these are Prometheus 2.x's.
      version: '2.53.0',
      revision: 'tracehouse',
      branch: '',
      buildUser: 'tracehouse',
      buildDate: '',
      goVersion: '',
    }));

    // Any other path under /prometheus answers as Prometheus's API does, never with the web
    // UI's index.html (a client with a wrong URL must see an error, not a 200 page).
    for (const method of ['GET', 'POST'] as const)
      scope.route({
        method,
        url: '/prometheus/*',
        config: { auth: 'viewer' },
        schema: { hide: true },
        handler: async (req, reply) =>
          reply.code(404).send({
            status: 'error',
            errorType: 'not_found',
            error: `unknown API endpoint: ${req.method} ${req.url.split('?')[0]}`,
          }),
      });
  });
}

/** The label sets of series matching `match[]` (all series when none and `needed` is false). */
async function labelSets(api: PrometheusApi, p: URLSearchParams, tenant: string, needed: boolean) {
  const selectors = matchParams(p, needed);
  const base = metadataScope(api, p, tenant);
  if (selectors.length === 0) return api.store.labelSets({ ...base, matchers: [] }, () => true);
  const seen = new Map<string, Record<string, string>>();
  for (const matchers of selectors)
    for (const s of await api.store.labelSets({ ...base, matchers: labelMatchers(matchers) }, nameFilter(matchers)))
      seen.set(JSON.stringify(sortedLabels(s)), s);
  return [...seen.values()].sort(compareLabels);
}

/** The tenant, range and limits of a metadata read (series, labels, exemplars). */
function metadataScope(api: PrometheusApi, p: URLSearchParams, tenant: string) {
  const { startMs, endMs } = rangeParams(p, api.now(), DEFAULT_METADATA_RANGE_MS);
  return {
    tenant,
    startMs,
    endMs,
    nowMs: api.now(),
    maxSeries: api.maxSeries,
    maxSamples: 0,
    timeoutMs: api.timeoutMs,
  };
}
