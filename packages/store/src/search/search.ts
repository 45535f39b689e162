import type { Query } from '@tracehouse/traceql';
import type { QueryLimits, Sql } from '../client';
import { tenantKey } from '../tenant';
import { type CompiledQuery, compileQuery, TRACE_COLUMNS } from './compile';
import { Params } from './params';

export interface TraceSearch {
  /** Only this tenant's spans are searched and summarised. */
  tenant: string;
  query: Query;
  /** Unix seconds, inclusive: a trace matches when a matching span starts in the range. */
  start: number;
  end: number;
  limit: number;
  /** Matched spans returned per trace (Tempo's `spss`). */
  spansPerTrace: number;
  /** Also search the recent full-fidelity window (`spans_recent`), dropped traces included. */
  recent: boolean;
  limits?: QueryLimits;
}

export type TraceSource = 'kept' | 'recent';
export type DecisionName = 'keep' | 'drop' | 'pending';

export interface MatchedSpan {
  spanId: string;
  serviceName: string;
  name: string;
  startTimeUnixNano: string;
  durationNanos: string;
  statusCode: string;
  /** Values asked for with `select(...)`: display key -> [stored value, attribute type]. */
  selected: Record<string, [string, string]>;
}

export interface TraceSummary {
  traceId: string;
  rootServiceName: string;
  rootSpanName: string;
  startTimeUnixNano: string;
  durationNanos: string;
  spanCount: number;
  errorCount: number;
  decision: DecisionName;
  source: TraceSource;
  /** How many spans matched (all of them, not only those in matchedSpans). */
  matchedCount: number;
  matchedSpans: MatchedSpan[];
}

const TABLES: Record<TraceSource, string> = { kept: 'spans', recent: 'spans_recent' };

const SEARCH_LIMITS: QueryLimits = { maxExecutionSeconds: 20, maxMemoryBytes: 1024 ** 3 };

interface FoundRow {
  TraceId: string;
  matchedCount: string | number;
  lastMatch: string;
  matched: [string, string, string, string, string, string, [string | null, string][]][];
}

/**
 * Traces with spans matching a TraceQL query, newest match first. Kept traces come from
 * `spans`; with `recent` the recent window is searched too, and a trace found in both is
 * reported once, as kept.
 */
export async function searchTraces(sql: Sql, s: TraceSearch): Promise<TraceSummary[]> {
  const sources: TraceSource[] = s.recent ? ['kept', 'recent'] : ['kept'];
  const found = await Promise.all(sources.map((src) => findTraces(sql, TABLES[src], s)));
  const byId = new Map<string, { source: TraceSource; row: FoundRow }>();
  sources.forEach((source, i) => {
    for (const row of found[i]!) if (!byId.has(row.TraceId)) byId.set(row.TraceId, { source, row });
  });
  const chosen = [...byId.values()]
    .sort((a, b) => (BigInt(b.row.lastMatch) > BigInt(a.row.lastMatch) ? 1 : -1))
    .slice(0, s.limit);
  if (chosen.length === 0) return [];

  const compiled = compileQuery(s.query, new Params());
  const summaries = new Map<string, SummaryRow>();
  await Promise.all(
    sources.map(async (source) => {
      const ids = chosen.filter((c) => c.source === source).map((c) => c.row.TraceId);
      if (ids.length === 0) return;
      for (const r of await traceSummaries(sql, TABLES[source], ids, s)) summaries.set(r.TraceId, r);
    }),
  );
  const decisions = await decisionsOf(
    sql,
    chosen.map((c) => c.row.TraceId),
    s.tenant,
  );
  return chosen.map(({ source, row }) => {
    const sum = summaries.get(row.TraceId);
    return {
      traceId: row.TraceId,
      rootServiceName: sum?.rootService ?? '',
      rootSpanName: sum?.rootName ?? '',
      startTimeUnixNano: sum?.startNs ?? row.matched[0]?.[3] ?? '0',
      durationNanos: sum?.durationNs ?? '0',
      spanCount: Number(sum?.spanCount ?? 0),
      errorCount: Number(sum?.errorCount ?? 0),
      decision: decisions.get(row.TraceId) ?? 'pending',
      source,
      matchedCount: Number(row.matchedCount),
      matchedSpans: row.matched
        .map(([spanId, serviceName, name, startTimeUnixNano, durationNanos, statusCode, sel]) => ({
          spanId,
          serviceName,
          name,
          startTimeUnixNano,
          durationNanos,
          statusCode,
          selected: Object.fromEntries(
            compiled.selects
              .map((f, i) => [f.key, sel[i]] as const)
              .filter(([, v]) => v !== undefined && v[0] !== null)
              .map(([k, v]) => [k, [v![0]!, v![1]] as [string, string]]),
          ),
        }))
        .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1)),
    };
  });
}

/** The caller's tenant and the search window. */
function scopeFilter(p: Params, search: TraceSearch): string {
  const s = p.add(Math.floor(search.start), 'Int64');
  const e = p.add(Math.ceil(search.end), 'Int64');
  // The first pair follows the kept table's sort key; the second is exact.
  return `Tenant = ${p.add(tenantKey(search.tenant), 'String')}
  AND toDateTime(Timestamp) >= toDateTime(${s}) AND toDateTime(Timestamp) <= toDateTime(${e})
  AND Timestamp >= toDateTime64(${s}, 9) AND Timestamp <= toDateTime64(${e}, 9)`;
}

/** SQL of the per-trace summary of one table; `where` narrows the rows. */
function summarySelect(table: string, where: string): string {
  return `SELECT TraceId,
  toUnixTimestamp64Nano(max(addNanoseconds(Timestamp, greatest(Duration, 0)))) - toUnixTimestamp64Nano(min(Timestamp)) AS ${TRACE_COLUMNS.duration},
  argMinIf(SpanName, Timestamp, ParentSpanId = '') AS ${TRACE_COLUMNS.rootName},
  argMinIf(ServiceName, Timestamp, ParentSpanId = '') AS ${TRACE_COLUMNS.rootService}
FROM ${table}
WHERE ${where}
GROUP BY TraceId`;
}

/** The SQL that finds matching traces in one table (exported for EXPLAIN in tests and the benchmark). */
export function findTracesSql(table: string, s: TraceSearch): { sql: string; params: Record<string, unknown> } {
  const p = new Params();
  const c: CompiledQuery = compileQuery(s.query, p);
  const time = scopeFilter(p, s);
  const join = c.needsTraceSummary
    ? `\nINNER JOIN (${summarySelect(table, time)}) AS trace_summary USING (TraceId)`
    : '';
  const selected = c.selects.map((f) => `(CAST(${f.value} AS Nullable(String)), toString(${f.type}))`);
  const having = [c.having, ...c.aggregates].filter((x): x is string => x !== null);
  // An aggregate parameter must be a literal; this is a validated integer, not query text.
  const spss = Math.max(1, Math.min(1000, Math.floor(s.spansPerTrace)));
  const sql = `SELECT TraceId,
  count() AS matchedCount,
  toString(toUnixTimestamp64Nano(max(Timestamp))) AS lastMatch,
  groupArray(${spss})((SpanId, ServiceName, SpanName, toString(toUnixTimestamp64Nano(Timestamp)), toString(Duration), StatusCode, [${selected.join(', ')}]::Array(Tuple(Nullable(String), String)))) AS matched
FROM ${table}${join}
WHERE ${time}
  AND (${c.anyFilter})
GROUP BY TraceId${having.length ? `\nHAVING ${having.join(' AND ')}` : ''}
ORDER BY max(Timestamp) DESC
LIMIT ${p.add(s.limit, 'UInt32')}`;
  return { sql, params: p.values };
}

async function findTraces(sql: Sql, table: string, s: TraceSearch): Promise<FoundRow[]> {
  const q = findTracesSql(table, s);
  return sql.query<FoundRow>(q.sql, q.params, { ...SEARCH_LIMITS, ...s.limits, maxRows: s.limit });
}

interface SummaryRow {
  TraceId: string;
  startNs: string;
  durationNs: string;
  spanCount: string | number;
  errorCount: string | number;
  rootService: string;
  rootName: string;
}

/** Start, duration, counts and root of the given traces, read by trace id. */
async function traceSummaries(sql: Sql, table: string, ids: string[], s: TraceSearch): Promise<SummaryRow[]> {
  const p = new Params();
  const idsParam = p.add(ids, 'Array(String)');
  // The kept table is sorted by service, name and time, so the time range of the traces (from
  // the trace index) is what bounds this read; without an index row for every trace, a day
  // either side of the search window does, so a trace is never lost to a missing row.
  const fallbackStart = p.add(Math.floor(s.start) - 86400, 'Int64');
  const fallbackEnd = p.add(Math.ceil(s.end) + 86400, 'Int64');
  const bounds =
    table === 'spans'
      ? `WITH (SELECT (min(Start), max(End), uniqExact(TraceId)) FROM trace_index WHERE TraceId IN ${idsParam}) AS indexed,
  indexed.3 = length(${idsParam}) AS complete,
  if(complete, indexed.1, toDateTime64(${fallbackStart}, 9)) AS lo,
  if(complete, indexed.2, toDateTime64(${fallbackEnd}, 9)) AS hi
`
      : '';
  const range =
    table === 'spans'
      ? ' AND Timestamp >= lo AND Timestamp <= hi AND toDateTime(Timestamp) >= toDateTime(lo) AND toDateTime(Timestamp) <= toDateTime(hi)'
      : '';
  return sql.query<SummaryRow>(
    `${bounds}SELECT TraceId,
  toString(toUnixTimestamp64Nano(min(Timestamp))) AS startNs,
  toString(toUnixTimestamp64Nano(max(addNanoseconds(Timestamp, greatest(Duration, 0)))) - toUnixTimestamp64Nano(min(Timestamp))) AS durationNs,
  count() AS spanCount,
  countIf(StatusCode = 'Error') AS errorCount,
  argMinIf(ServiceName, Timestamp, ParentSpanId = '') AS rootService,
  argMinIf(SpanName, Timestamp, ParentSpanId = '') AS rootName
FROM ${table}
WHERE TraceId IN ${idsParam} AND Tenant = ${p.add(tenantKey(s.tenant), 'String')}${range}
GROUP BY TraceId`,
    p.values,
    { ...SEARCH_LIMITS, ...s.limits, maxRows: ids.length },
  );
}

/** The sampling decision of each given trace of `tenant`; absent means not decided yet. */
export async function decisionsOf(sql: Sql, ids: string[], tenant: string): Promise<Map<string, DecisionName>> {
  if (ids.length === 0) return new Map();
  const rows = await sql.query<{ TraceId: string; decision: DecisionName }>(
    `SELECT TraceId, argMin(Decision, DecidedAt) AS decision
FROM sampling_decisions
WHERE TraceId IN {ids:Array(String)} AND has(Tenants, {tenant:String})
GROUP BY TraceId`,
    { ids, tenant: tenantKey(tenant) },
    { maxRows: ids.length },
  );
  return new Map(rows.map((r) => [r.TraceId, r.decision]));
}
