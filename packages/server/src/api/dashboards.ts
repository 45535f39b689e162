import type { FastifyInstance } from 'fastify';
import { tenantOf } from '../auth/hook';
import { roleAtLeast } from '../auth/roles';
import type { ApiDeps } from './deps';
import { BadRequest } from './params';

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MAX_DEFINITION_BYTES = 256 * 1024;
const MAX_PANELS = 100;
const MAX_VARIABLES = 20;
const MAX_EXPR = 4096;

const panelSchema = {
  type: 'object',
  required: ['title', 'expr'],
  properties: {
    title: { type: 'string', maxLength: 200 },
    expr: { type: 'string', minLength: 1, maxLength: MAX_EXPR, description: 'PromQL; $name is replaced by a variable' },
    query: {
      type: 'string',
      enum: ['promql', 'traceql'],
      description: 'the language of expr: PromQL (default) or a TraceQL metrics query',
    },
    unit: { type: 'string', maxLength: 20 },
    legend: { type: 'string', maxLength: 200, description: 'series label template, e.g. {{service_name}}' },
  },
};

const definitionSchema = {
  type: 'object',
  required: ['panels'],
  properties: {
    panels: { type: 'array', maxItems: MAX_PANELS, items: panelSchema },
    variables: {
      type: 'array',
      maxItems: MAX_VARIABLES,
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
          label: { type: 'string', maxLength: 200, description: 'label whose values the variable offers' },
          metric: { type: 'string', maxLength: 200, description: 'metric whose series the values come from' },
          default: { type: 'string', maxLength: 200 },
        },
      },
    },
    range: { type: 'string', maxLength: 20, description: 'default time range, e.g. 1h' },
  },
};

const summarySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    createdBy: { type: 'string' },
    updatedBy: { type: 'string' },
    updatedAtUnixMs: { type: 'number' },
  },
};

function idParam(raw: unknown): string {
  const id = String(raw ?? '');
  if (!ID.test(id))
    throw new BadRequest('dashboard id: 1-64 characters a-z, 0-9 and -, starting with a letter or digit');
  return id;
}

/** Users' dashboards, per tenant: readers list and open them; any signed-in user saves them. */
export function dashboardRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const store = deps.store.dashboards;
  app.get(
    '/api/v1/dashboards',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: "The tenant's saved dashboards (without their panels)",
        tags: ['dashboards'],
        response: { 200: { type: 'object', properties: { dashboards: { type: 'array', items: summarySchema } } } },
      },
    },
    async (req) => ({ dashboards: await store.list(tenantOf(req)) }),
  );
  app.get(
    '/api/v1/dashboards/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'One dashboard with its panels and variables',
        tags: ['dashboards'],
        params: { type: 'object', properties: { id: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      const d = await store.get(tenantOf(req), idParam((req.params as { id: string }).id));
      if (!d) return reply.code(404).send({ error: 'no such dashboard' });
      const { definition, ...rest } = d;
      return { ...rest, definition: JSON.parse(definition) };
    },
  );
  app.put(
    '/api/v1/dashboards/:id',
    {
      config: { auth: 'viewer' },
      bodyLimit: MAX_DEFINITION_BYTES + 4096,
      schema: {
        summary: 'Creates or replaces a dashboard',
        tags: ['dashboards'],
        params: { type: 'object', properties: { id: { type: 'string' } } },
        body: {
          type: 'object',
          required: ['title', 'definition'],
          additionalProperties: false,
          properties: { title: { type: 'string', minLength: 1, maxLength: 200 }, definition: definitionSchema },
        },
      },
    },
    async (req) => {
      const id = idParam((req.params as { id: string }).id);
      const body = req.body as { title: string; definition: unknown };
      const definition = JSON.stringify(body.definition);
      if (Buffer.byteLength(definition) > MAX_DEFINITION_BYTES)
        throw new BadRequest(`a dashboard is at most ${MAX_DEFINITION_BYTES} bytes`);
      await store.put(tenantOf(req), { id, title: body.title, definition, user: req.principal?.user ?? 'anonymous' });
      return { id };
    },
  );
  app.delete(
    '/api/v1/dashboards/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'Deletes a dashboard (its creator, or ops and admins)',
        tags: ['dashboards'],
        params: { type: 'object', properties: { id: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      const id = idParam((req.params as { id: string }).id);
      const tenant = tenantOf(req);
      const d = await store.get(tenant, id);
      if (!d) return reply.code(404).send({ error: 'no such dashboard' });
      const p = req.principal;
      if (p && p.user !== d.createdBy && !roleAtLeast(p.role, 'ops'))
        return reply.code(403).send({ error: 'only its creator, ops or an admin can delete a dashboard' });
      await store.delete(tenant, id, p?.user ?? 'anonymous');
      return reply.code(204).send();
    },
  );
}
