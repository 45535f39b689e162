import type { TagScope } from '@tracehouse/store';
import type { FastifyInstance } from 'fastify';
import { tenantOf } from '../auth/hook';
import type { ApiDeps } from './deps';
import { BadRequest, limitParam, timeRange } from './params';

const SCOPES = ['resource', 'span', 'intrinsic'];

/** `{"scopes":[{"name","tags":[...]}]}`: the native and the Tempo v2 tag-name answers. */
export const tagScopesResponse = {
  type: 'object',
  properties: {
    scopes: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
} as const;

/** `{"tagValues":[{"type","value"}]}`: the native and the Tempo v2 tag-value answers. */
export const typedTagValuesResponse = {
  type: 'object',
  properties: {
    tagValues: {
      type: 'array',
      items: { type: 'object', properties: { type: { type: 'string' }, value: { type: 'string' } } },
    },
  },
} as const;

export function scopeParam(v: unknown): TagScope | undefined {
  if (v === undefined || v === '' || v === 'all') return undefined;
  if (!SCOPES.includes(String(v))) throw new BadRequest('scope must be resource, span or intrinsic');
  return v as TagScope;
}

/** Autocomplete of the search UI, served from the search_tag_values rollup (a day by default). */
export function tagRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  const range = (q: Record<string, string | undefined>) =>
    timeRange({ start: q.start ?? (q.end ? undefined : String(Date.now() / 1000 - 86400)), end: q.end });
  app.get(
    '/api/v1/search/tags',
    {
      schema: {
        summary: 'Attribute names per scope, and the intrinsics',
        tags: ['traces'],
        querystring: {
          type: 'object',
          properties: {
            scope: { type: 'string', enum: ['resource', 'span', 'intrinsic', 'all', ''] },
            start: { type: 'string', description: 'Unix seconds (default: end - 24h)' },
            end: { type: 'string' },
            limit: { type: 'string', description: 'names per scope, default 1000' },
          },
        },
        response: { 200: tagScopesResponse },
      },
    },
    async (req) => {
      const q = req.query as Record<string, string | undefined>;
      const scopes = await store.searchTags({
        tenant: tenantOf(req),
        ...range(q),
        scope: scopeParam(q.scope),
        limit: limitParam(q.limit, 1000, 10_000),
      });
      return { scopes };
    },
  );
  app.get(
    '/api/v1/search/tag/:tag/values',
    {
      schema: {
        summary: 'Most frequent values of a tag',
        description: 'tag like resource.service.name, span.http.route, .http.route, name or status.',
        tags: ['traces'],
        params: { type: 'object', properties: { tag: { type: 'string' } } },
        querystring: {
          type: 'object',
          properties: {
            q: { type: 'string', description: 'prefix of the values' },
            start: { type: 'string', description: 'Unix seconds (default: end - 24h)' },
            end: { type: 'string' },
            limit: { type: 'string', description: 'default 1000' },
          },
        },
        response: { 200: typedTagValuesResponse },
      },
    },
    async (req) => {
      const q = req.query as Record<string, string | undefined>;
      const values = await store.tagValues({
        tenant: tenantOf(req),
        ...range(q),
        tag: (req.params as { tag: string }).tag,
        prefix: q.q || undefined,
        limit: limitParam(q.limit, 1000, 10_000),
      });
      return { tagValues: values };
    },
  );
}
