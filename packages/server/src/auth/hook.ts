import { DEFAULT_TENANT } from '@tracehouse/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDeploymentRoute, isStateChanging, resolvePolicy } from './policy';
import { type Policy, type Principal, roleAtLeast } from './roles';
import { ANONYMOUS, type AuthService, bearerToken, isOperator } from './service';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route; routes without one fall back to auth/policy.ts, else deny. */
    auth?: Policy;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'th_session';

/** How the OpenAPI document describes our credentials. */
export const OPENAPI_SECURITY_SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', description: 'an API token, or TRACEHOUSE_ADMIN_TOKEN' },
  session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'set by POST /api/v1/auth/login' },
} as const;
export const OPENAPI_SECURITY: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

export interface RouteEntry {
  method: string;
  url: string;
  policy: Policy | 'deny';
  declared: boolean;
}

export function readCookie(req: FastifyRequest, name: string): string {
  const header = req.headers.cookie;
  if (!header) return '';
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return '';
}

/**
 * A state-changing request authenticated by the session cookie must come from our own
 * origin: SameSite=Strict already keeps the cookie off cross-site requests, and the Origin
 * (or Referer) check covers old browsers and same-site subdomains. Scheme, host and port
 * must all match what this server serves.
 */
export function sameOrigin(req: FastifyRequest): boolean {
  const source = req.headers.origin ?? req.headers.referer;
  if (!source || source === 'null') return false;
  try {
    const url = new URL(source);
    // Scheme too: a page served over plain http must not act on the https origin's session.
    return url.host === req.headers.host && url.protocol === `${req.protocol}:`;
  } catch {
    return false;
  }
}

function identify(req: FastifyRequest, auth: AuthService): { principal: Principal | null; viaCookie: boolean } {
  const token = bearerToken(req.headers.authorization);
  if (token) return { principal: auth.fromBearer(token), viaCookie: false };
  const session = readCookie(req, SESSION_COOKIE);
  if (session) return { principal: auth.fromSession(session), viaCookie: true };
  return { principal: null, viaCookie: false };
}

const wantsPage = (req: FastifyRequest) =>
  req.method === 'GET' && !req.url.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html');

function refuse(req: FastifyRequest, reply: FastifyReply, status: 401 | 403, error: string) {
  if (status === 401) {
    if (wantsPage(req)) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 302);
    reply.header('WWW-Authenticate', 'Bearer');
  }
  if (wantsPage(req))
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><title>Forbidden</title><p>${status} ${error}. <a href="/">Back</a></p>`);
  return reply.code(status).send({ error });
}

/**
 * Authorization for every route of the API server, in one place: an onRequest hook reads
 * the route's policy and the caller's identity. Must be registered before any route so
 * that `onRoute` sees them all; returns the live list of routes and their policies.
 */
export function registerAuth(app: FastifyInstance, auth: AuthService): RouteEntry[] {
  const routes: RouteEntry[] = [];
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (opts) => {
    for (const method of Array.isArray(opts.method) ? opts.method : [opts.method]) {
      routes.push({ method, url: opts.url, ...resolvePolicy(method, opts.url, opts.config?.auth) });
    }
    // The OpenAPI document says which operations need no credentials.
    if (opts.config?.auth === 'public' && opts.schema && !('security' in opts.schema))
      (opts.schema as { security?: unknown[] }).security = [];
  });
  app.addHook('onRequest', async (req, reply) => {
    if (auth.anonymous) {
      req.principal = ANONYMOUS;
      return;
    }
    const url = req.routeOptions.url;
    if (url === undefined) return; // no such route: the not-found handler answers
    const { policy } = resolvePolicy(req.method, url, req.routeOptions.config?.auth);
    const need = policy === 'metrics' ? (auth.options.publicMetrics ? 'public' : 'ops') : policy;
    const { principal, viaCookie } = identify(req, auth);
    req.principal = principal;
    if (need === 'public') return;
    if (!principal) return refuse(req, reply, 401, 'authentication required');
    if (viaCookie && isStateChanging(req.method) && !sameOrigin(req))
      return refuse(req, reply, 403, 'cross-origin request refused');
    if (need === 'deny') return refuse(req, reply, 403, 'no access policy is declared for this route');
    if (!roleAtLeast(principal.role, need)) {
      // Attempts on admin routes by signed-in users are worth a trace; anonymous 401s are not
      // (they would let anyone fill the audit log).
      if (need === 'admin')
        auth.audit({
          actor: principal.user,
          action: 'access.denied',
          target: `${req.method} ${url}`,
          outcome: 'denied',
          remoteAddr: req.ip,
          detail: `role=${principal.role}`,
        });
      return refuse(req, reply, 403, `this needs the ${need} role`);
    }
    if (!isOperator(principal) && isDeploymentRoute(url))
      return refuse(req, reply, 403, 'this page is for the default tenant');
  });
  return routes;
}

/**
 * The tenant whose telemetry a request reads. Every authorized request has a principal; a
 * public route (only /metrics, when `auth.publicMetrics`) reads the default tenant's.
 */
export const tenantOf = (req: FastifyRequest): string => req.principal?.tenant ?? DEFAULT_TENANT;
