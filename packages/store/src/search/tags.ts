import type { Query } from '@tracehouse/traceql';
import type { QueryLimits, Sql } from '../client';
import { tenantKey } from '../tenant';
import { compileQuery } from './compile';
import { Params } from './params';
import { TAG_VALUES_TABLE } from './schema';
import { spanScopeFilter } from './search';

export type TagScope = 'resource' | 'span' | 'intrinsic';

/** Intrinsics offered for autocomplete (the parser accepts these and their aliases). */
export const INTRINSIC_TAGS = [
  'duration',
  'kind',
  'name',
  'status',
  'statusMessage',
  'trace:duration',
  'trace:id',
  'trace:rootName',
  'trace:rootService',
  'span:id',
];

const KEYWORDS: Record<string, string[]> = {
  status: ['error', 'ok', 'unset'],
  kind: ['server', 'client', 'producer', 'consumer', 'internal', 'unspecified'],
};

/** Tempo's value types: `float` for a double, `keyword` for an enum. */
const TEMPO_TYPE: Record<string, string> = { '': 'string', int: 'int', double: 'float', bool: 'bool' };

export interface TagRange {
  /** Only tags and values seen in this tenant's spans. */
  tenant: string;
  /** Unix seconds. */
  start: number;
  end: number;
}

const LIMITS: QueryLimits = { maxExecutionSeconds: 5, maxMemoryBytes: 256 * 1024 ** 2, priority: 'interactive' };

/** The caller's tenant and the days of the range. */
function scopeFilter(p: Params, r: TagRange): string {
  return `Tenant = ${p.add(tenantKey(r.tenant), 'String')} AND Day >= toDate(toDateTime(${p.add(Math.floor(r.start), 'Int64')})) AND Day <= toDate(toDateTime(${p.add(Math.ceil(r.end), 'Int64')}))`;
}

/** Attribute names per scope seen in the range, plus the intrinsics. */
export async function searchTags(
  sql: Sql,
  r: TagRange & { scope?: TagScope; limit?: number },
): Promise<{ name: TagScope; tags: string[] }[]> {
  const limit = r.limit ?? 1000;
  const p = new Params();
  const rows = await sql.query<{ Scope: TagScope; Key: string }>(
    `SELECT Scope, Key FROM ${TAG_VALUES_TABLE}
WHERE Scope IN ('resource', 'span') AND ${scopeFilter(p, r)}
GROUP BY Scope, Key
ORDER BY Scope, Key
LIMIT ${p.add(limit * 2, 'UInt32')}`,
    p.values,
    { ...LIMITS, maxRows: limit * 2 },
  );
  const scopes: { name: TagScope; tags: string[] }[] = [
    {
      name: 'resource',
      tags: rows
        .filter((x) => x.Scope === 'resource')
        .map((x) => x.Key)
        .slice(0, limit),
    },
    {
      name: 'span',
      tags: rows
        .filter((x) => x.Scope === 'span')
        .map((x) => x.Key)
        .slice(0, limit),
    },
    { name: 'intrinsic', tags: INTRINSIC_TAGS },
  ];
  return r.scope ? scopes.filter((s) => s.name === r.scope) : scopes;
}

/** Where a tag's values live in the rollup: `resource.x`, `span.x`, `.x` (both) or an intrinsic. */
function tagSource(tag: string): { scopes: string[]; key: string } | { keywords: string[] } | null {
  const m = /^(span|resource)?\.(.+)$/s.exec(tag);
  if (m) return { scopes: m[1] ? [m[1]] : ['span', 'resource'], key: m[2]! };
  const name = tag.replace(/^span:/, '');
  if (KEYWORDS[name]) return { keywords: KEYWORDS[name]! };
  if (name === 'name' || tag === 'trace:rootName' || tag === 'rootName') return { scopes: ['intrinsic'], key: 'name' };
  if (tag === 'trace:rootService' || tag === 'rootServiceName') return { scopes: ['resource'], key: 'service.name' };
  return null;
}

export interface TagValue {
  type: string;
  value: string;
}

export interface TagValuesRequest extends TagRange {
  tag: string;
  prefix?: string;
  limit?: number;
  /**
   * Only values seen on spans matching this query's span conditions (Grafana's `q`). Read from
   * the spans themselves, so only the newest hour of the range; a query without conditions,
   * or one that needs whole traces (`trace:duration`...), is ignored.
   */
  query?: Query;
}

/** The most frequent values of one tag, optionally starting with a prefix. Unknown tags have none. */
export async function tagValues(sql: Sql, r: TagValuesRequest): Promise<TagValue[]> {
  const source = tagSource(r.tag);
  if (!source) return [];
  if ('keywords' in source) {
    return source.keywords.filter((v) => v.startsWith(r.prefix ?? '')).map((value) => ({ type: 'keyword', value }));
  }
  if (r.query) {
    const filtered = await matchingTagValues(sql, r, source, r.query);
    if (filtered) return filtered;
  }
  const limit = r.limit ?? 1000;
  const p = new Params();
  const prefix = r.prefix ? ` AND startsWith(Value, ${p.add(r.prefix, 'String')})` : '';
  const rows = await sql.query<{ Type: string; Value: string }>(
    `SELECT Type, Value FROM ${TAG_VALUES_TABLE}
WHERE Scope IN ${p.add(source.scopes, 'Array(String)')} AND Key = ${p.add(source.key, 'String')}
  AND ${scopeFilter(p, r)}${prefix}
GROUP BY Type, Value
ORDER BY sum(Count) DESC, Value, Type
LIMIT ${p.add(limit, 'UInt32')}`,
    p.values,
    { ...LIMITS, maxRows: limit },
  );
  return rows.map((x) => ({ type: TEMPO_TYPE[x.Type] ?? 'string', value: x.Value }));
}

/** The newest stretch of the range that values of a filtered tag are read from (s). */
const FILTERED_WINDOW_SECONDS = 3600;

/** Values of a tag on the spans passing the query's span filters; undefined when the query filters nothing. */
async function matchingTagValues(
  sql: Sql,
  r: TagValuesRequest,
  source: { scopes: string[]; key: string },
  query: Query,
): Promise<TagValue[] | undefined> {
  const p = new Params();
  const c = compileQuery(query, p);
  if (c.needsTraceSummary || c.filters.every((f) => f === '1')) return undefined;
  const k = p.add(source.key, 'String');
  const candidates = source.scopes.map((scope) => {
    if (scope === 'intrinsic') return `('', toString(SpanName), 1)`;
    const [A, T] =
      scope === 'span' ? ['SpanAttributes', 'SpanAttributeTypes'] : ['ResourceAttributes', 'ResourceAttributeTypes'];
    return `(toString(${T}[${k}]), ${A}[${k}], mapContains(${A}, ${k}))`;
  });
  const end = Math.ceil(r.end);
  const window = { from: Math.max(Math.floor(r.start), end - FILTERED_WINDOW_SECONDS), to: end, toInclusive: true };
  const from = p.add(window.from, 'Int64');
  const prefix = r.prefix ? ` AND startsWith(v.2, ${p.add(r.prefix, 'String')})` : '';
  const limit = r.limit ?? 1000;
  const time = spanScopeFilter(p, r.tenant, window);
  const matching = (table: string, extra: string) =>
    `SELECT arrayJoin(arrayFilter(x -> x.3 = 1, [${candidates.join(', ')}])) AS v FROM ${table}
  WHERE ${time}${extra} AND (${c.anyFilter})`;
  // Kept spans, and the recent window's (dropped traces too, as the rollup has them); the recent
  // table is partitioned by ingest time, which follows span time closely.
  const rows = await sql.query<{ Type: string; Value: string }>(
    `SELECT v.1 AS Type, v.2 AS Value FROM (
  ${matching('spans', '')}
  UNION ALL
  ${matching('spans_recent', ` AND IngestTime >= toDateTime64(${from}, 3) - toIntervalSecond(300)`)}
)
WHERE v.1 NOT IN ('array', 'kvlist', 'bytes') AND length(v.2) <= ${MAX_FILTERED_VALUE_LENGTH}${prefix}
GROUP BY Type, Value
ORDER BY count() DESC, Value, Type
LIMIT ${p.add(limit, 'UInt32')}`,
    p.values,
    { ...LIMITS, maxRows: limit },
  );
  return rows.map((x) => ({ type: TEMPO_TYPE[x.Type] ?? 'string', value: x.Value }));
}

/** As in the rollup: longer values are ids or payloads nobody autocompletes. */
const MAX_FILTERED_VALUE_LENGTH = 128;
