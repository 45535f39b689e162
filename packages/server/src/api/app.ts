import swagger from '@fastify/swagger';
import { renderMetrics, wantsOpenMetrics } from '@tracehouse/derived';
import { QueryLimitError } from '@tracehouse/store';
import Fastify, { type FastifyInstance } from 'fastify';
import { OPENAPI_SECURITY, OPENAPI_SECURITY_SCHEMES, registerAuth, tenantOf } from '../auth/hook';
import { contractRoutes } from '../contract';
import { httpServerOptions, type ListenerTimeouts } from '../net/timeouts';
import { dashboardRoutes } from './dashboards';
import type { ApiDeps } from './deps';
import { logServerError } from './errorLog';
import { GateBusyError } from './gate';
import { logRoutes } from './logs';
import { metricRoutes } from './metrics';
import { prometheusAlertingRoutes } from './prometheus/alerting';
import { prometheusRoutes } from './prometheus/routes';
import { redRoutes } from './red';
import { searchRoutes } from './search';
import { securityRoutes } from './security';
import { securityHeaders } from './securityHeaders';
import { serviceGraphRoutes } from './serviceGraph';
import { sloRoutes } from './slos';
import { tagRoutes } from './tags';
import { tempoRoutes } from './tempo/routes';
import { traceRoutes } from './traces';
import { uiRoutes } from './ui';
import { uiSettingsRoutes } from './uiSettings';
import { userRoutes } from './users';

/** The UI + API server (port 3200): native API, health, /metrics, OpenAPI document. */
export interface ListenOptions {
  https?: { key: Buffer; cert: Buffer };
  timeouts: ListenerTimeouts;
}

export async function createApi(deps: ApiDeps, listen: ListenOptions): Promise<FastifyInstance> {
  const http = httpServerOptions(listen.timeouts);
  const options = {
    logger: false,
    routerOptions: { maxParamLength: 200 },
    // Fastify sets these two on the server after creating it; they must agree with `http`.
    requestTimeout: listen.timeouts.requestTimeoutMs,
    keepAliveTimeout: listen.timeouts.idleTimeoutMs,
  };
  const app = (
    listen.https ? Fastify({ ...options, https: { ...http, ...listen.https } }) : Fastify({ ...options, http })
  ) as FastifyInstance;
  securityHeaders(app);
  // Before any route, so that its onRoute hook sees and polices every one.
  const routeTable = registerAuth(app, deps.security.auth);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'tracehouse API',
        version: deps.version,
        description:
          'Native API. IDs are lowercase hex; nanosecond times are decimal strings; start/end are Unix seconds.',
      },
      // See docs/security.md: a bearer token or the browser session cookie; public routes need neither.
      components: { securitySchemes: OPENAPI_SECURITY_SCHEMES },
      security: OPENAPI_SECURITY,
    },
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof QueryLimitError) {
      logServerError(req, err);
      return reply.code(503).send({ error: err.message, requestId: req.id });
    }
    const { statusCode: status, message } = err as { statusCode?: number; message?: string };
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: message });
    if (err instanceof GateBusyError) {
      logServerError(req, err);
      return reply.code(503).header('retry-after', '1').send({ error: err.message, requestId: req.id });
    }
    // Never a stack trace or engine message to the client; the operator gets the request id,
    // the route (not the URL: its query may hold what a user typed) and the first line of the error.
    logServerError(req, err);
    return reply.code(500).send({ error: 'internal error', requestId: req.id });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` }),
  );

  app.get(
    '/livez',
    { config: { auth: 'public' }, schema: { summary: 'The process is alive', tags: ['health'] } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    { config: { auth: 'public' }, schema: { summary: 'Ready to accept data and queries', tags: ['health'] } },
    async (_req, reply) => {
      const writes = deps.writesFailing?.() ?? '';
      if (writes) return reply.code(503).send({ status: 'not ready', reason: writes });
      const ok = deps.isReady() && (await deps.store.ping());
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'not ready' });
    },
  );
  app.get(
    '/metrics',
    {
      config: { auth: 'metrics' },
      schema: {
        summary:
          "tracehouse's own metrics and the derived span metrics and service graph: OpenMetrics 1.0 with exemplars when Accept asks for it, Prometheus text 0.0.4 otherwise",
        tags: ['health'],
      },
    },
    async (req, reply) => {
      const { contentType, body } = await renderMetrics(
        deps.metrics.registry,
        deps.derived?.series ?? {},
        wantsOpenMetrics(req.headers.accept),
        tenantOf(req),
      );
      return reply.type(contentType).send(body);
    },
  );

  traceRoutes(app, deps);
  logRoutes(app, deps);
  metricRoutes(app, deps);
  searchRoutes(app, deps);
  tagRoutes(app, deps);
  userRoutes(app, deps);
  uiSettingsRoutes(app, deps.otlp);
  tempoRoutes(app, deps);
  dashboardRoutes(app, deps);
  if (deps.prometheus) prometheusRoutes(app, deps.prometheus);
  if (deps.derived) {
    redRoutes(app, deps.derived, deps.red);
    serviceGraphRoutes(app, deps.derived);
  }
  if (deps.contract) contractRoutes(app, deps.contract, Date.now);
  prometheusAlertingRoutes(app, () => deps.alerting?.());
  sloRoutes(app, () => deps.alerting?.());
  securityRoutes(app, deps, routeTable);

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  uiRoutes(app);
  return app;
}
