import { quantile, storedSpanKind } from '@tracehouse/derived';
import type { FastifyInstance } from 'fastify';
import { tenantOf } from '../auth/hook';
import { parseDuration } from '../config/units';
import type { Derived } from '../processor/derived';
import { BadRequest, limitParam, timeRange } from './params';
import type { RedCache } from './redCache';

const MAX_POINTS_PER_SERIES = 2000;

/** `step` in seconds or as a duration ('1m'); at least one interval, a whole number of them. */
export function stepMs(raw: unknown, rangeMs: number, intervalMs: number): number {
  let ms: number;
  if (raw === undefined || raw === '') ms = Math.ceil(rangeMs / 120);
  else {
    const s = String(raw);
    try {
      ms = /^\d+(\.\d+)?$/.test(s) ? Number(s) * 1000 : parseDuration(s);
    } catch {
      throw new BadRequest('step must be seconds or a duration like 30s, 5m');
    }
    if (!(ms > 0)) throw new BadRequest('step must be positive');
  }
  ms = Math.max(intervalMs, Math.ceil(ms / intervalMs) * intervalMs);
  if (rangeMs / ms > MAX_POINTS_PER_SERIES)
    throw new BadRequest(`step too small: at most ${MAX_POINTS_PER_SERIES} points`);
  return ms;
}

/** `spanKind=server,consumer` (default) or `all`. */
function spanKinds(raw: unknown): string[] {
  const s = String(raw ?? '').trim();
  if (s === '') return ['Server', 'Consumer'];
  if (s === 'all') return [];
  return s.split(',').map((k) => {
    const stored = storedSpanKind(k.trim());
    if (!stored) throw new BadRequest(`unknown spanKind ${k}`);
    return stored;
  });
}

const seriesSchema = {
  type: 'object',
  properties: {
    service: { type: 'string' },
    spanName: { type: ['string', 'null'] },
    points: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          t: { type: 'number', description: 'step start, Unix seconds (a multiple of the step)' },
          seconds: {
            type: 'number',
            description: 'the computed part of the step (the step, except for the newest); rates are per second of it',
          },
          rate: { type: ['number', 'null'], description: 'spans per second; null while the step is not computed yet' },
          errorRate: { type: ['number', 'null'], description: 'error spans per second' },
          errorRatio: { type: ['number', 'null'] },
          p50: { type: ['number', 'null'], description: 'seconds' },
          p95: { type: ['number', 'null'] },
          p99: { type: ['number', 'null'] },
        },
      },
    },
  },
};

const exemplarSchema = {
  type: 'object',
  properties: {
    timeUnixNano: { type: 'string' },
    traceId: { type: 'string' },
    spanId: { type: 'string' },
    durationSeconds: { type: 'number' },
    service: { type: 'string' },
    spanName: { type: 'string' },
    statusCode: { type: 'string', description: 'Ok, Error or Unset' },
  },
};

/** RED metrics (rate, errors, duration) from the stored span-metric intervals. */
export function redRoutes(app: FastifyInstance, derived: Derived, cache?: RedCache): void {
  app.get(
    '/api/v1/red',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'Rate, errors and latency percentiles per service or span name (from every span, before sampling)',
        tags: ['derived'],
        querystring: {
          type: 'object',
          properties: {
            groupBy: { type: 'string', enum: ['service', 'span_name'], default: 'service' },
            service: { type: 'string' },
            spanName: { type: 'string' },
            spanKind: { type: 'string', description: 'comma-separated kinds or `all` (default server,consumer)' },
            start: { type: 'string', description: 'Unix seconds (default: end - 1h)' },
            end: { type: 'string', description: 'Unix seconds (default: now)' },
            step: { type: 'string', description: 'seconds or a duration; a whole number of derived.interval' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              step: { type: 'number', description: 'seconds' },
              series: { type: 'array', items: seriesSchema },
            },
          },
        },
      },
    },
    async (req) => {
      const q = req.query as Record<string, string | undefined>;
      const { start, end } = timeRange(q);
      const endMs = Math.ceil(end * 1000);
      const step = stepMs(q.step, endMs - Math.floor(start * 1000), derived.intervalMs);
      // Steps start at multiples of the step, so a bucket's time does not move with the query's start.
      const startMs = Math.floor((start * 1000) / step) * step;
      // A step that ends after the last computed interval has no value yet (not a zero).
      const watermark = derived.spanMetricsComputedUntilMs();
      const computedUntil = watermark ?? Number.NEGATIVE_INFINITY;
      const bySpanName = q.groupBy === 'span_name';
      const query = {
        tenant: tenantOf(req),
        startMs,
        endMs,
        stepMs: step,
        bySpanName,
        spanKinds: spanKinds(q.spanKind),
        service: q.service || undefined,
        spanName: q.spanName || undefined,
      };
      // The steps finished by the watermark read above come from memory when held.
      const cells = cache ? await cache.query(query, watermark) : await derived.store.queryRed(query);
      const steps = Math.max(1, Math.ceil((endMs - startMs) / step));
      const series = new Map<
        string,
        { service: string; spanName: string | null; points: Map<number, (typeof cells)[number]> }
      >();
      for (const c of cells) {
        const key = JSON.stringify([c.service, c.spanName]);
        let s = series.get(key);
        if (!s) {
          s = { service: c.service, spanName: c.spanName, points: new Map() };
          series.set(key, s);
        }
        s.points.set(c.t, c);
      }
      const stepSeconds = step / 1000;
      return {
        step: stepSeconds,
        series: [...series.values()].map((s) => ({
          service: s.service,
          spanName: s.spanName,
          points: Array.from({ length: steps }, (_, i) => {
            const tMs = startMs + i * step;
            // A step is computed up to the processor's watermark: its rate is over that part only,
            // and a step with nothing computed yet has no value (not a zero).
            const seconds = Math.min(step, computedUntil - tMs) / 1000;
            if (!(seconds > 0))
              return {
                t: tMs / 1000,
                seconds: 0,
                rate: null,
                errorRate: null,
                errorRatio: null,
                p50: null,
                p95: null,
                p99: null,
              };
            const c = s.points.get(tMs);
            const calls = c?.calls ?? 0;
            const errors = c?.errors ?? 0;
            const buckets = c?.latencyBuckets ?? [];
            return {
              t: tMs / 1000,
              seconds,
              rate: calls / seconds,
              errorRate: errors / seconds,
              errorRatio: calls ? errors / calls : null,
              p50: quantile(0.5, buckets),
              p95: quantile(0.95, buckets),
              p99: quantile(0.99, buckets),
            };
          }),
        })),
      };
    },
  );

  app.get(
    '/api/v1/red/exemplars',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'Exemplars of the span metrics: one span per latency bucket and interval, always of a kept trace',
        tags: ['derived'],
        querystring: {
          type: 'object',
          properties: {
            service: { type: 'string' },
            spanName: { type: 'string' },
            start: { type: 'string', description: 'Unix seconds (default: end - 1h)' },
            end: { type: 'string', description: 'Unix seconds (default: now)' },
            limit: { type: 'string', description: '1-1000, default 200' },
          },
        },
        response: {
          200: { type: 'object', properties: { exemplars: { type: 'array', items: exemplarSchema } } },
        },
      },
    },
    async (req) => {
      const q = req.query as Record<string, string | undefined>;
      const { start, end } = timeRange(q);
      const rows = await derived.store.queryRedExemplars({
        tenant: tenantOf(req),
        startMs: Math.floor(start * 1000),
        endMs: Math.ceil(end * 1000),
        service: q.service || undefined,
        spanName: q.spanName || undefined,
        limit: limitParam(q.limit, 200, 1000),
      });
      return {
        exemplars: rows.map((e) => ({
          timeUnixNano: e.timeUnixNano,
          traceId: e.traceId,
          spanId: e.spanId,
          durationSeconds: e.value,
          service: e.service,
          spanName: e.spanName,
          statusCode: e.statusCode,
        })),
      };
    },
  );
}
