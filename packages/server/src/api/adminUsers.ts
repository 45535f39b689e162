import type { FastifyInstance } from 'fastify';
import { AccountError } from '../auth/accounts';
import type { RouteEntry } from '../auth/hook';
import { type AuthService, TenantAccessError } from '../auth/service';

const errorSchema = { type: 'object', properties: { error: { type: 'string' } } };
const userSchema = {
  type: 'object',
  properties: {
    username: { type: 'string' },
    role: { type: 'string' },
    tenant: { type: 'string' },
    createdAtMs: { type: 'number' },
  },
};
const tokenSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string', enum: ['api', 'ingest'] },
    role: { type: 'string' },
    tenant: { type: 'string' },
    createdBy: { type: 'string' },
    createdAtMs: { type: 'number' },
    expiresAtMs: { type: ['number', 'null'] },
    revokedAtMs: { type: ['number', 'null'] },
  },
};

const badRequest = (err: unknown) => {
  if (err instanceof AccountError) return Object.assign(new Error(err.message), { statusCode: 400 });
  if (err instanceof TenantAccessError) return Object.assign(new Error(err.message), { statusCode: 403 });
  return err;
};

/**
 * Users, tokens, the audit log and the route table: admin only. An admin of a tenant other than
 * the default one sees and manages that tenant's users and tokens only.
 */
export function adminUserRoutes(app: FastifyInstance, auth: AuthService, routeTable: RouteEntry[]): void {
  const admin = { auth: 'admin' as const };

  app.get(
    '/api/v1/admin/users',
    {
      config: admin,
      schema: {
        summary: 'Users, their roles and tenants (never a password hash)',
        tags: ['admin'],
        response: { 200: { type: 'object', properties: { users: { type: 'array', items: userSchema } } } },
      },
    },
    async (req) => ({ users: auth.listUsers(req.principal!) }),
  );

  app.post(
    '/api/v1/admin/users',
    {
      config: admin,
      schema: {
        summary:
          "Create a user, or replace the role, tenant and password of an existing one (tenant: the caller's by default)",
        tags: ['admin'],
        body: {
          type: 'object',
          required: ['username', 'role', 'password'],
          properties: {
            username: { type: 'string', maxLength: 64 },
            role: { type: 'string', enum: ['admin', 'ops', 'viewer'] },
            password: { type: 'string', maxLength: 1024 },
            tenant: { type: 'string', maxLength: 64 },
          },
        },
        response: { 200: userSchema, 400: errorSchema, 403: errorSchema },
      },
    },
    async (req) => {
      const body = req.body as { username: string; role: string; password: string; tenant?: string };
      try {
        return await auth.addUser(req.principal!, body, req.ip);
      } catch (err) {
        throw badRequest(err);
      }
    },
  );

  app.patch(
    '/api/v1/admin/users/:username',
    {
      config: admin,
      schema: {
        summary: "Change a user's role (the password stays; their sessions end)",
        tags: ['admin'],
        params: { type: 'object', properties: { username: { type: 'string' } } },
        body: {
          type: 'object',
          required: ['role'],
          properties: { role: { type: 'string', enum: ['admin', 'ops', 'viewer'] } },
        },
        response: { 200: userSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const { username } = req.params as { username: string };
      try {
        const user = await auth.setRole(req.principal!, username, (req.body as { role: string }).role, req.ip);
        return user ?? reply.code(404).send({ error: `no user ${username}` });
      } catch (err) {
        throw badRequest(err);
      }
    },
  );

  app.delete(
    '/api/v1/admin/users/:username',
    {
      config: admin,
      schema: {
        summary: 'Remove a user; their sessions end at once',
        tags: ['admin'],
        params: { type: 'object', properties: { username: { type: 'string' } } },
        response: { 204: { type: 'null' }, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const { username } = req.params as { username: string };
      if (!(await auth.removeUser(req.principal!, username, req.ip)))
        return reply.code(404).send({ error: `no user ${username}` });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/admin/tokens',
    {
      config: admin,
      schema: {
        summary: 'API and ingest tokens (ids and metadata; the secrets are not stored)',
        tags: ['admin'],
        response: { 200: { type: 'object', properties: { tokens: { type: 'array', items: tokenSchema } } } },
      },
    },
    async (req) => ({ tokens: await auth.listTokens(req.principal!) }),
  );

  app.post(
    '/api/v1/admin/tokens',
    {
      config: admin,
      schema: {
        summary:
          "Create an API token (with a role) or an ingest token; both belong to a tenant (the caller's by default); the secret is shown once",
        tags: ['admin'],
        body: {
          type: 'object',
          required: ['name', 'kind'],
          properties: {
            name: { type: 'string', maxLength: 128 },
            kind: { type: 'string', enum: ['api', 'ingest'] },
            role: { type: 'string', enum: ['admin', 'ops', 'viewer'] },
            tenant: { type: 'string', maxLength: 64 },
            expiresInSeconds: { type: 'integer', minimum: 1 },
          },
        },
        response: {
          201: { type: 'object', properties: { secret: { type: 'string' }, token: tokenSchema } },
          400: errorSchema,
          403: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const b = req.body as {
        name: string;
        kind: 'api' | 'ingest';
        role?: string;
        tenant?: string;
        expiresInSeconds?: number;
      };
      try {
        const created = await auth.createToken(
          req.principal!,
          {
            name: b.name,
            kind: b.kind,
            role: b.role,
            tenant: b.tenant,
            expiresAtMs: b.expiresInSeconds ? Date.now() + b.expiresInSeconds * 1000 : null,
          },
          req.ip,
        );
        return reply.code(201).send(created);
      } catch (err) {
        throw badRequest(err);
      }
    },
  );

  app.delete(
    '/api/v1/admin/tokens/:id',
    {
      config: admin,
      schema: {
        summary: 'Revoke a token by its id',
        tags: ['admin'],
        params: { type: 'object', properties: { id: { type: 'string' } } },
        response: { 204: { type: 'null' }, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      if (!(await auth.revokeToken(req.principal!, id, req.ip)))
        return reply.code(404).send({ error: `no active token ${id}` });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/admin/audit',
    {
      config: admin,
      schema: {
        summary: 'Audit log of logins and admin actions, newest first',
        tags: ['admin'],
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 10000 } } },
        response: {
          200: {
            type: 'object',
            properties: {
              entries: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    timeMs: { type: 'number' },
                    actor: { type: 'string' },
                    action: { type: 'string' },
                    target: { type: 'string' },
                    outcome: { type: 'string' },
                    remoteAddr: { type: 'string' },
                    detail: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (req) => ({ entries: await auth.listAudit((req.query as { limit?: number }).limit ?? 200) }),
  );

  app.get(
    '/api/v1/admin/routes',
    {
      config: admin,
      schema: {
        summary: 'Every route of this server with its access policy',
        description: "'deny' marks a route that declares no policy and matches no fallback: nobody may call it.",
        tags: ['admin'],
        response: {
          200: {
            type: 'object',
            properties: {
              routes: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    method: { type: 'string' },
                    url: { type: 'string' },
                    policy: { type: 'string' },
                    declared: { type: 'boolean' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => ({ routes: routeTable }),
  );
}
