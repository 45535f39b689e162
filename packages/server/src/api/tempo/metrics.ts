import { METRICS_LIMITS, type MetricsLabel, MetricsLimitError, MetricsQueryError } from '@tracehouse/store';
import { type MetricsQuery, parseMetrics, TraceQLError } from '@tracehouse/traceql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tenantOf } from '../../auth/hook';
import type { ApiDeps } from '../deps';
import { BadRequest } from '../params';
import { intParam } from '../search';
import { metricsRange, metricsStep } from './params';

const TAG = ['tempo'];

/** A label as Tempo's JSON writes an AnyValue (64-bit integers as strings). */
function tempoLabel(l: MetricsLabel) {
  const value =
    l.type === 'int'
      ? { intValue: l.value }
      : l.type === 'double'
        ? { doubleValue: Number(l.value) }
        : l.type === 'bool'
          ? { boolValue: l.value === 'true' }
          : { stringValue: l.value };
  return { key: l.key, value };
}

const labelSchema = {
  type: 'object',
  properties: { key: { type: 'string' }, value: { type: 'object', additionalProperties: true } },
};
const querystring = {
  type: 'object',
  properties: {
    q: {
      type: 'string',
      description: 'TraceQL metrics query, e.g. { status = error } | rate() by (resource.service.name)',
    },
    start: { type: 'string', description: 'Unix seconds, nanoseconds or RFC 3339; default end - 1h' },
    end: { type: 'string', description: 'default now' },
    since: { type: 'string', description: 'Go duration: start = end - since' },
    step: { type: 'string', description: 'seconds or a Go duration, whole seconds; default range / 240' },
    exemplars: {
      type: 'string',
      description: 'query_range: at most this many exemplars (0-100, default 0: reading span ids costs)',
    },
  },
};

/** Both routes answer series (labels and these properties) and Tempo's job counts, or an error as text. */
const responseSchema = (series: Record<string, unknown>) => ({
  200: {
    type: 'object',
    properties: {
      series: {
        type: 'array',
        items: { type: 'object', properties: { labels: { type: 'array', items: labelSchema }, ...series } },
      },
      metrics: { type: 'object', additionalProperties: true },
    },
  },
  400: { type: 'string' },
  422: { type: 'string' },
});

/** Tempo answers every bad request with 400 and the reason as plain text. */
export function plainTextErrors(err: Error, _req: FastifyRequest, reply: FastifyReply) {
  const status = (err as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) return reply.code(status).type('text/plain').send(err.message);
  throw err;
}

class Unprocessable extends Error {
  readonly statusCode = 422;
}

/**
 * TraceQL metrics, as Tempo serves them to Grafana's Tempo datasource ("TraceQL metrics"
 * queries) and to the dashboards' TraceQL panels: `/api/metrics/query_range` and the instant
 * `/api/metrics/query`.
 */
export function tempoMetricsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const evaluate = async (req: FastifyRequest, instant: boolean) => {
    const q = req.query as Record<string, string | undefined>;
    let query: MetricsQuery;
    try {
      query = parseMetrics(q.q ?? '');
    } catch (e) {
      if (e instanceof TraceQLError) throw new BadRequest(e.message);
      throw e;
    }
    const now = Date.now() / 1000;
    const { start, end } = metricsRange(q, now);
    // An instant query is one step over the whole range; a range query's steps start at
    // multiples of the step, so panels of different ranges line up.
    const step = instant ? Math.max(1, Math.ceil(end - Math.floor(start))) : metricsStep(q.step, end - start);
    const origin = instant ? Math.floor(start) : Math.floor(start / step) * step;
    const steps = Math.ceil((end - origin) / step);
    if (steps > METRICS_LIMITS.maxBuckets) {
      throw new BadRequest(
        `the range holds ${steps} steps of ${step}s; at most ${METRICS_LIMITS.maxBuckets}: widen the step`,
      );
    }
    try {
      const exemplars = instant ? 0 : intParam(q.exemplars, 'exemplars', 0, 0, METRICS_LIMITS.maxExemplars);
      return await deps.store.queryTraceQLMetrics({ tenant: tenantOf(req), query, origin, end, step, now, exemplars });
    } catch (e) {
      if (e instanceof MetricsQueryError) throw new BadRequest(e.message);
      if (e instanceof MetricsLimitError) throw new Unprocessable(e.message);
      if (String((e as { code?: string }).code ?? '') === '427') throw new BadRequest('invalid regular expression');
      throw e;
    }
  };
  const stats = { completedJobs: 1, totalJobs: 1 };

  app.get(
    '/tempo/api/metrics/query_range',
    {
      schema: {
        summary: 'TraceQL metrics over a range (Tempo)',
        description:
          'One series per `by` group (and quantile `p`, or histogram `__bucket`); samples at step starts (ms as strings). Counts estimate 100% of the traffic: the recent window counts every span, older kept spans count their AdjustedCount.',
        tags: TAG,
        querystring,
        response: responseSchema({
          samples: {
            type: 'array',
            items: { type: 'object', properties: { timestampMs: { type: 'string' }, value: { type: 'number' } } },
          },
          exemplars: { type: 'array', items: { type: 'object', additionalProperties: true } },
        }),
      },
      errorHandler: plainTextErrors,
    },
    async (req) => {
      const series = await evaluate(req, false);
      return {
        series: series.map((s) => ({
          labels: s.labels.map(tempoLabel),
          samples: s.samples.map((p) => ({ timestampMs: String(p.timeMs), value: p.value })),
          exemplars: s.exemplars.map((e) => ({
            labels: [
              { key: 'trace:id', value: { stringValue: e.traceId } },
              { key: 'span:id', value: { stringValue: e.spanId } },
            ],
            value: e.value,
            timestampMs: String(e.timeMs),
          })),
        })),
        metrics: stats,
      };
    },
  );

  app.get(
    '/tempo/api/metrics/query',
    {
      schema: {
        summary: 'TraceQL metrics over a range as one value per series (Tempo instant query)',
        tags: TAG,
        querystring,
        response: responseSchema({ value: { type: 'number' } }),
      },
      errorHandler: plainTextErrors,
    },
    async (req) => {
      const series = await evaluate(req, true);
      return {
        series: series.map((s) => ({ labels: s.labels.map(tempoLabel), value: s.samples[0]?.value ?? 0 })),
        metrics: stats,
      };
    },
  );
}
