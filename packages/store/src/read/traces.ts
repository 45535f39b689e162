import type { SpanRecord } from '@tracehouse/otlp';
import type { QueryLimits, QueryParams, Sql } from '../client';
import { spanColumns } from '../schema/columns';
import { spans, spansRecent } from '../schema/tables';
import { tenantKey } from '../tenant';
import { selectList } from './rows';
import { compareDecimal, readTraceRange } from './traceRange';

/** A trace is cut off at this many spans so one giant trace cannot exhaust the heap. */
export const MAX_TRACE_SPANS = 100_000;

/**
 * All stored spans of one trace sent by one tenant, ordered by start time, one row per span id: as received
 * while the recent full-fidelity window still holds it, else the kept copy in `spans`
 * (which carries `ot=th` and `sampling.adjusted_count`).
 *
 * The trace index is read first, on its own: it gives the trace's span-time range, which
 * bounds the `spans` read to one or two granules (sorted by time bucket and trace id), and its
 * ingest-time range, which bounds the recent read to the partitions holding the trace. A trace
 * whose newest span was ingested longer than `recentSeconds` ago has left the recent window
 * (its parts expired), so the recent table is not read at all: a statement over both tables
 * costs about twice one over `spans` alone, even when the recent part reads nothing.
 *
 * A first page that holds the whole trace (the index's span count fits in it: nearly every
 * trace) is then one more statement; a bigger trace reads the page's span ids and the total
 * from two narrow columns first, then the wide columns of the page only.
 */
const names = spanColumns.map((c) => `\`${c.name}\``).join(', ');

export interface TracePageRequest {
  /** Spans returned at most (the page), in start-time order. */
  limit: number;
  /** Spans skipped first, for the next page. */
  offset: number;
}

export interface TracePage {
  spans: SpanRecord[];
  /** Spans the trace has (one per span id), whatever the page holds. */
  total: number;
}

/** A page, and whether it can still change (see traceCache.ts). */
export interface TracePageRead {
  page: TracePage;
  /**
   * Read from the kept table alone (its newest span left the recent window) and holding every
   * span the trace index counted: only a late span can change it, and that span's ingest
   * makes the trace recent again.
   */
  settled: boolean;
}

const READ: QueryLimits = { priority: 'interactive' };

/**
 * One page of a trace in start-time order and the trace's span count: a reader of a trace of
 * 100,000 spans gets the first `limit` and the total, never a response as big as the trace.
 * Also says whether the page is settled (can no longer change).
 */
export async function readTracePage(
  sql: Sql,
  traceId: string,
  tenant: string,
  page: TracePageRequest,
  recentSeconds = Infinity,
): Promise<TracePageRead> {
  const range = await readTraceRange(sql, traceId, recentSeconds);
  if (!range) return { page: { spans: [], total: 0 }, settled: false };
  const limit = Math.max(0, Math.min(page.limit, MAX_TRACE_SPANS));
  const params = {
    traceId,
    tenant: tenantKey(tenant),
    start: range.start,
    end: range.end,
    ingestStart: range.ingestStart,
    ingestEnd: range.ingestEnd,
  };
  /** The copies of the trace to read (kept, Source 1, and while recent, Source 0) with `columns`. */
  const copies = (columns: string, where = ''): string[] => {
    const kept = `SELECT ${columns}, 1 AS Source FROM ${spans.name}
    WHERE TraceId = {traceId:String} AND Tenant = {tenant:String} AND Timestamp >= fromUnixTimestamp64Nano({start:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({end:Int64})${where}`;
    const recent = `SELECT ${columns}, 0 AS Source FROM ${spansRecent.name}
    WHERE TraceId = {traceId:String} AND Tenant = {tenant:String} AND IngestTime >= fromUnixTimestamp64Milli({ingestStart:Int64}) AND IngestTime <= fromUnixTimestamp64Milli({ingestEnd:Int64})${where}`;
    return range.recent ? [kept, recent] : [kept];
  };
  /** One row per span id: the copy as received while the recent window holds it. */
  const deduplicated = (columns: string, where = '') => `SELECT * FROM (
    ${copies(columns, where).join('\n    UNION ALL\n    ')}
  )
  ORDER BY SpanId, Source
  LIMIT 1 BY SpanId`;
  const settled = (p: TracePage) => !range.recent && p.total === range.received;
  /** The wide columns of the trace's spans (those of `where`), `maxRows` at most. */
  const spanRows = (where: string, maxRows: number, extra: QueryParams = {}) =>
    sql.query<SpanRecord>(
      `SELECT ${selectList(spanColumns)}
FROM (${deduplicated(names, where)})
ORDER BY Timestamp, SpanId
LIMIT {rowLimit:UInt32}`,
      { ...params, ...extra, rowLimit: maxRows },
      { maxRows, priority: 'interactive' },
    );
  // A first page that can hold every span received (most traces): one statement reads every
  // copy and the copies are merged here, which measured ~8 ms less than `LIMIT 1 BY` in SQL
  // for a 10-span trace. Each span has at most a kept and a recent copy, and the recent ones
  // are counted by the index; past that (duplicates in the kept table) the paged read below.
  const { received } = range;
  if (page.offset <= 0 && received <= limit) {
    const cap = 2 * received + 1;
    // Each copy is converted in place and the copies are put in order here: a subquery over
    // them measured ~4 ms to plan (a quarter of the statement). Each copy stops at `cap` rows,
    // so fewer than `cap` in all means none was cut off.
    const capped = (copy: string) => `${copy}\n    LIMIT {rowLimit:UInt32}`;
    const [kept, recent] = copies(selectList(spanColumns)).map(capped);
    const rows = await sql.query<SpanRecord & { Source: number }>(
      recent ? `(${kept})\nUNION ALL\n(${recent})` : kept!,
      { ...params, rowLimit: cap },
      { maxRows: 2 * cap, priority: 'interactive' },
    );
    rows.sort((a, b) => byStartThenSpanId(a, b) || Number(a.Source) - Number(b.Source));
    const unique = oneCopyPerSpan(rows);
    if (rows.length < cap && unique.length <= limit) {
      const whole = { spans: unique, total: unique.length };
      return { page: whole, settled: settled(whole) };
    }
  }
  // First the page's span ids and the trace's span count from two narrow columns, so the
  // wide ones (attributes, events) are read for the page only.
  const [ids] = await sql.query<{ ids: string[]; total: string }>(
    `SELECT arraySlice(arrayMap(p -> p.2, arraySort(groupArray((Timestamp, SpanId)))), {offset:UInt32} + 1, {limit:UInt32}) AS ids,
  toString(count()) AS total
FROM (${deduplicated('SpanId, Timestamp')})`,
    { ...params, offset: Math.max(0, page.offset), limit },
    READ,
  );
  const total = Number(ids?.total ?? 0);
  if (!ids || ids.ids.length === 0) return { page: { spans: [], total }, settled: false };
  const rows = await spanRows(' AND SpanId IN {ids:Array(String)}', Math.max(1, limit), { ids: ids.ids });
  const result = { spans: rows, total };
  return { page: result, settled: settled(result) };
}

/**
 * One row per span id from rows ordered by (Timestamp, SpanId, Source): the copy as received
 * (Source 0) over the kept one, as `LIMIT 1 BY SpanId` after `ORDER BY SpanId, Source` would.
 */
function oneCopyPerSpan(rows: (SpanRecord & { Source: number })[]): SpanRecord[] {
  const at = new Map<string, number>();
  const out: (SpanRecord & { Source: number })[] = [];
  let moved = false;
  for (const row of rows) {
    const i = at.get(row.SpanId);
    if (i === undefined) {
      at.set(row.SpanId, out.length);
      out.push(row);
    } else if (Number(row.Source) < Number(out[i]!.Source)) {
      moved ||= row.Timestamp !== out[i]!.Timestamp;
      out[i] = row;
    }
  }
  // A copy that differs in time from the first one seen (a client reusing a span id) moves.
  if (moved) out.sort(byStartThenSpanId);
  for (const row of out) delete (row as Partial<typeof row>).Source;
  return out;
}

/** A trace's span order: start time (decimal ns strings), then span id. */
const byStartThenSpanId = (a: SpanRecord, b: SpanRecord): number =>
  compareDecimal(a.Timestamp, b.Timestamp) || (a.SpanId < b.SpanId ? -1 : a.SpanId > b.SpanId ? 1 : 0);
