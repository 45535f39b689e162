import type { Query } from '@tracehouse/traceql';
import type { QueryLimits, Sql } from '../client';
import { SPANS_TIME_BUCKET_SECONDS } from '../schema/tables';
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

/** Default limits of a trace search (the API may pass its own). */
export const SEARCH_LIMITS: QueryLimits = {
  maxExecutionSeconds: 20,
  maxMemoryBytes: 1024 ** 3,
  priority: 'interactive',
};

/** A trace found by the first step: its id and its newest matching span (ns). */
interface FoundRow {
  TraceId: string;
  lastMatch: string;
}

type MatchedRow = [string, string, string, string, string, string, [string | null, string][]];

/** What the second step reads of each chosen trace. */
interface DetailRow {
  TraceId: string;
  startNs: string;
  durationNs: string;
  spanCount: string | number;
  errorCount: string | number;
  rootService: string;
  rootName: string;
  matchedCount: string | number;
  matched: MatchedRow[];
  decision: DecisionName | '';
}

/**
 * Traces with spans matching a TraceQL query, newest match first. Kept traces come from
 * `spans`; with `recent` the recent window is searched too, and a trace found in both is
 * reported once, as kept.
 *
 * Two steps: the first finds the newest matching traces (trace id and newest match time
 * only: the fewest columns); the second reads, for those traces only, their summary, their
 * matching spans and their sampling decision, in one statement per table.
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
  const details = new Map<string, DetailRow>();
  await Promise.all(
    sources.map(async (source) => {
      const ids = chosen.filter((c) => c.source === source).map((c) => c.row.TraceId);
      if (ids.length === 0) return;
      for (const r of await traceDetails(sql, TABLES[source], ids, s)) details.set(r.TraceId, r);
    }),
  );
  return chosen.map(({ source, row }) => {
    const d = details.get(row.TraceId);
    return {
      traceId: row.TraceId,
      rootServiceName: d?.rootService ?? '',
      rootSpanName: d?.rootName ?? '',
      startTimeUnixNano: d?.startNs ?? row.lastMatch,
      durationNanos: d?.durationNs ?? '0',
      spanCount: Number(d?.spanCount ?? 0),
      errorCount: Number(d?.errorCount ?? 0),
      decision: d?.decision || 'pending',
      source,
      matchedCount: Number(d?.matchedCount ?? 0),
      matchedSpans: (d?.matched ?? [])
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

/** Unix seconds; `to` is inclusive for the newest slice (the search's own end), exclusive otherwise. */
export interface Slice {
  from: number;
  to: number;
  toInclusive: boolean;
}

/** The caller's tenant and a time slice, on a span table (`spans` or `spans_recent`). */
export function spanScopeFilter(p: Params, tenant: string, w: Slice): string {
  const s = p.add(Math.floor(w.from), 'Int64');
  const e = p.add(Math.ceil(w.to), 'Int64');
  return `Tenant = ${p.add(tenantKey(tenant), 'String')}
  AND Timestamp >= toDateTime64(${s}, 9) AND Timestamp ${w.toInclusive ? '<=' : '<'} toDateTime64(${e}, 9)`;
}

const wholeWindow = (s: TraceSearch): Slice => ({ from: s.start, to: s.end, toInclusive: true });

/**
 * The kept table is sorted by 1-minute time bucket, then trace id, so a time range reads only
 * its buckets. A search is answered newest first: the newest 64th of the window (a whole minute
 * at least: one or two minutes of a 1 h window), then up to its newest eighth, then the rest,
 * each slice read only when the newer ones found fewer than `limit` traces (at most three
 * statements, whatever the window). Slice edges fall on bucket edges, so no bucket is read twice.
 */
export function newestFirstSlices(start: number, end: number): Slice[] {
  const from = Math.floor(start);
  const to = Math.ceil(end);
  const align = (t: number) => Math.floor(t / SPANS_TIME_BUCKET_SECONDS) * SPANS_TIME_BUCKET_SECONDS;
  const back = (fraction: number) => align(to - Math.max((to - from) * fraction, SPANS_TIME_BUCKET_SECONDS));
  const cuts = [...new Set([back(1 / 64), back(1 / 8)])].filter((t) => t > from && t < to);
  const edges = [to, ...cuts, from];
  return edges.slice(1).map((f, i) => ({ from: f, to: edges[i]!, toInclusive: i === 0 }));
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

/**
 * The SQL of the first step in one table and time slice (exported for EXPLAIN in tests and the
 * benchmark): the newest `limit` traces with a matching span, reading the filter columns, the
 * trace id and the time only.
 */
export function findTracesSql(
  table: string,
  s: TraceSearch,
  slice: Slice = wholeWindow(s),
): { sql: string; params: Record<string, unknown> } {
  const p = new Params();
  const c: CompiledQuery = compileQuery(s.query, p);
  const time = spanScopeFilter(p, s.tenant, slice);
  const join = c.needsTraceSummary
    ? `\nINNER JOIN (${summarySelect(table, time)}) AS trace_summary USING (TraceId)`
    : '';
  const having = [c.having, ...c.aggregates].filter((x): x is string => x !== null);
  const sql = `SELECT TraceId, toString(toUnixTimestamp64Nano(max(Timestamp))) AS lastMatch
FROM ${table}${join}
WHERE ${time}
  AND (${c.anyFilter})
GROUP BY TraceId${having.length ? `\nHAVING ${having.join(' AND ')}` : ''}
ORDER BY max(Timestamp) DESC
LIMIT ${p.add(s.limit, 'UInt32')}`;
  return { sql, params: p.values };
}

/**
 * The first step. A query whose match depends on several spans of a trace (`{A} && {B}`,
 * pipelines, `trace:` intrinsics) reads the whole window at once; otherwise a trace matches
 * by any one span, so a slice of the kept table holds exactly the traces whose newest match
 * is in it, and older slices are read only while fewer than `limit` traces were found.
 */
async function findTraces(sql: Sql, table: string, s: TraceSearch): Promise<FoundRow[]> {
  const c = compileQuery(s.query, new Params());
  const perSpan = c.having === null && c.aggregates.length === 0 && !c.needsTraceSummary;
  const slices = table === 'spans' && perSpan ? newestFirstSlices(s.start, s.end) : [wholeWindow(s)];
  const found = new Map<string, FoundRow>();
  for (const slice of slices) {
    const q = findTracesSql(table, s, slice);
    const rows = await sql.query<FoundRow>(q.sql, q.params, { ...SEARCH_LIMITS, ...s.limits, maxRows: s.limit });
    // A trace also found in a newer slice keeps its newer match.
    for (const r of rows) if (!found.has(r.TraceId)) found.set(r.TraceId, r);
    if (found.size >= s.limit) break;
  }
  return [...found.values()];
}

/**
 * The second step: summary (start, duration, span and error counts, root), the matching spans
 * (all counted, `spansPerTrace` returned) and the sampling decision of the given traces, read by
 * trace id in one statement.
 */
async function traceDetails(sql: Sql, table: string, ids: string[], s: TraceSearch): Promise<DetailRow[]> {
  const p = new Params();
  const c = compileQuery(s.query, p);
  const idsParam = p.add(ids, 'Array(String)');
  const tenant = p.add(tenantKey(s.tenant), 'String');
  const time = spanScopeFilter(p, s.tenant, wholeWindow(s));
  // The kept table is read within the traces' time range from the trace index; without an
  // index row for every trace, a day either side of the search window bounds it, so a trace
  // is never lost to a missing row. The recent table is sorted by trace id.
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
  const range = table === 'spans' ? ' AND Timestamp >= lo AND Timestamp <= hi' : '';
  const join = c.needsTraceSummary
    ? `\nINNER JOIN (${summarySelect(table, `${time} AND TraceId IN ${idsParam}`)}) AS trace_summary USING (TraceId)`
    : '';
  const selected = c.selects.map((f) => `(CAST(${f.value} AS Nullable(String)), toString(${f.type}))`);
  // An aggregate parameter must be a literal; this is a validated integer, not query text.
  const spss = Math.max(1, Math.min(1000, Math.floor(s.spansPerTrace)));
  const matches = `${time} AND (${c.anyFilter})`;
  return sql.query<DetailRow>(
    `${bounds}SELECT t.*, d.decision AS decision FROM (
SELECT TraceId,
  toString(toUnixTimestamp64Nano(min(Timestamp))) AS startNs,
  toString(toUnixTimestamp64Nano(max(addNanoseconds(Timestamp, greatest(Duration, 0)))) - toUnixTimestamp64Nano(min(Timestamp))) AS durationNs,
  count() AS spanCount,
  countIf(StatusCode = 'Error') AS errorCount,
  argMinIf(ServiceName, Timestamp, ParentSpanId = '') AS rootService,
  argMinIf(SpanName, Timestamp, ParentSpanId = '') AS rootName,
  countIf(${matches}) AS matchedCount,
  groupArrayIf(${spss})((SpanId, ServiceName, SpanName, toString(toUnixTimestamp64Nano(Timestamp)), toString(Duration), StatusCode, [${selected.join(', ')}]::Array(Tuple(Nullable(String), String))), ${matches}) AS matched
FROM ${table}${join}
WHERE TraceId IN ${idsParam} AND Tenant = ${tenant}${range}
GROUP BY TraceId
) AS t
LEFT JOIN (
  SELECT TraceId, argMin(Decision, DecidedAt) AS decision FROM sampling_decisions
  WHERE TraceId IN ${idsParam} AND has(Tenants, ${tenant}) GROUP BY TraceId
) AS d USING (TraceId)`,
    p.values,
    { ...SEARCH_LIMITS, ...s.limits, maxRows: ids.length },
  );
}
