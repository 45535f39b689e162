import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readCookie, SESSION_COOKIE, sameOrigin } from './hook';
import { loginPage, PAGE_CSP, problemPage, safeNext } from './pages';
import type { Principal } from './roles';
import type { AuthService } from './service';

const errorSchema = { type: 'object', properties: { error: { type: 'string' } } };
const meSchema = {
  type: 'object',
  properties: { user: { type: 'string' }, role: { type: 'string' }, tenant: { type: 'string' } },
};

async function setSession(
  req: FastifyRequest,
  reply: FastifyReply,
  auth: AuthService,
  principal: Principal,
): Promise<void> {
  const id = await auth.sessions.create(principal);
  const secure = req.protocol === 'https' ? '; Secure' : '';
  const maxAge = Math.floor(auth.options.sessionTtlMs / 1000);
  reply.header('Set-Cookie', `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`);
}

/** 429 with the whole seconds until the login throttle lets the caller try again. */
function throttled(reply: FastifyReply, retryAfterMs: number | undefined, error: string) {
  reply.header('Retry-After', String(Math.ceil((retryAfterMs ?? 1000) / 1000)));
  return reply.code(429).send({ error });
}

/** Login, logout, who-am-i, and the /login page. */
export function authRoutes(app: FastifyInstance, auth: AuthService): void {
  app.post(
    '/api/v1/auth/login',
    {
      config: { auth: 'public' },
      schema: {
        summary: 'Log in with a username and password; sets an HttpOnly, SameSite=Strict session cookie',
        description: 'Failed logins are throttled per client address and per username (429 with Retry-After).',
        tags: ['auth'],
        body: {
          type: 'object',
          required: ['username', 'password'],
          properties: { username: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 1024 } },
        },
        response: { 200: meSchema, 401: errorSchema, 403: errorSchema, 429: errorSchema },
      },
    },
    async (req, reply) => {
      // Login CSRF: a browser form on another site must not log the victim into our account.
      if (req.headers.origin && !sameOrigin(req)) return reply.code(403).send({ error: 'cross-origin login refused' });
      if (auth.anonymous)
        return reply.code(403).send({ error: 'anonymous access is on: there is nothing to log in to' });
      const { username, password } = req.body as { username: string; password: string };
      const result = await auth.login(username, password, req.ip);
      if (!result.ok) {
        if (result.reason === 'throttled') {
          return throttled(reply, result.retryAfterMs, 'too many failed logins; try again later');
        }
        return reply.code(401).send({ error: 'wrong username or password' });
      }
      await setSession(req, reply, auth, result.principal);
      return { user: result.principal.user, role: result.principal.role };
    },
  );

  app.post(
    '/api/v1/auth/token',
    {
      config: { auth: 'public' },
      schema: {
        summary: 'Log in with an API token or TRACEHOUSE_ADMIN_TOKEN; sets a session cookie like a password login',
        description: 'Wrong tokens are throttled per client address (429 with Retry-After).',
        tags: ['auth'],
        body: { type: 'object', required: ['token'], properties: { token: { type: 'string', maxLength: 1024 } } },
        response: { 200: meSchema, 401: errorSchema, 403: errorSchema, 429: errorSchema },
      },
    },
    async (req, reply) => {
      if (req.headers.origin && !sameOrigin(req)) return reply.code(403).send({ error: 'cross-origin login refused' });
      if (auth.anonymous)
        return reply.code(403).send({ error: 'anonymous access is on: there is nothing to log in to' });
      const result = auth.tokenLogin((req.body as { token: string }).token, req.ip);
      if (!result.ok) {
        if (result.reason === 'throttled')
          return throttled(reply, result.retryAfterMs, 'too many failed logins; try again later');
        return reply.code(401).send({ error: 'unknown, revoked or expired API token' });
      }
      await setSession(req, reply, auth, result.principal);
      return { user: result.principal.user, role: result.principal.role, tenant: result.principal.tenant };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { auth: 'public' },
      schema: {
        summary: 'End the browser session and clear its cookie',
        tags: ['auth'],
        response: { 204: { type: 'null' } },
      },
    },
    async (req, reply) => {
      const id = readCookie(req, SESSION_COOKIE);
      if (id && sameOrigin(req)) {
        const p = auth.sessions.get(id);
        await auth.sessions.destroy(id);
        if (p)
          auth.audit({
            actor: p.user,
            action: 'logout',
            target: p.user,
            outcome: 'ok',
            remoteAddr: req.ip,
            detail: '',
          });
      }
      reply.header('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/auth/password',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'Change your own password (browser session users); ends all your sessions and starts a new one',
        description:
          'Needs the current password; wrong ones are throttled like logins (429 with Retry-After). API tokens have no password (403).',
        tags: ['auth'],
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          properties: {
            currentPassword: { type: 'string', maxLength: 1024 },
            newPassword: { type: 'string', maxLength: 1024 },
          },
        },
        response: { 200: meSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema, 429: errorSchema },
      },
    },
    async (req, reply) => {
      const body = req.body as { currentPassword: string; newPassword: string };
      const result = await auth.changePassword(
        req.principal!,
        { current: body.currentPassword, next: body.newPassword },
        req.ip,
      );
      if (result.ok) {
        await setSession(req, reply, auth, result.principal);
        return { user: result.principal.user, role: result.principal.role, tenant: result.principal.tenant };
      }
      switch (result.reason) {
        case 'not_a_user':
          return reply.code(403).send({ error: 'only a user logged in with a password can change it' });
        case 'throttled':
          return throttled(reply, result.retryAfterMs, 'too many wrong passwords; try again later');
        case 'wrong_password':
          return reply.code(403).send({ error: 'the current password is wrong' });
        case 'weak':
          return reply.code(400).send({ error: result.message ?? 'the new password is not acceptable' });
      }
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'The caller: user name, role and tenant',
        tags: ['auth'],
        response: { 200: meSchema, 401: errorSchema },
      },
    },
    async (req) => ({ user: req.principal!.user, role: req.principal!.role, tenant: req.principal!.tenant }),
  );

  app.get(
    '/login',
    {
      config: { auth: 'public' },
      schema: {
        hide: true,
        querystring: { type: 'object', properties: { next: { type: 'string' }, setup: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      const q = req.query as { next?: string; setup?: string };
      const next = safeNext(q.next);
      reply.header('Content-Security-Policy', PAGE_CSP).header('Cache-Control', 'no-store');
      reply.header('Referrer-Policy', 'no-referrer');
      if (q.setup) {
        const principal = auth.consumeSetup(q.setup);
        if (!principal)
          return reply
            .code(403)
            .type('text/html; charset=utf-8')
            .send(
              problemPage(
                'This login link was already used',
                'A setup link works once (and only until the server restarts). Log in with a user or an API token, or restart the server for a new link.',
              ),
            );
        auth.audit({
          actor: 'setup',
          action: 'login.setup-link',
          target: 'setup',
          outcome: 'ok',
          remoteAddr: req.ip,
          detail: '',
        });
        await setSession(req, reply, auth, principal);
        return reply.redirect(next, 302);
      }
      return reply.type('text/html; charset=utf-8').send(loginPage(next, auth.tokenLoginFirst));
    },
  );
}
