import { hoursSummedParams, intervalsBeforeSql, RowBinaryReader, type Sql, tenantKey } from '@tracehouse/store';
import { defined, exemplarColumns, insertObjects, type StoredExemplar } from '../rows';
import type { GraphSpan } from './pairing';

/** A span as the service graph reads it, with the tenant it was ingested under. */
export type GraphSpanRow = GraphSpan & {
  /** The tenant's stored key ('' = the default tenant). */
  tenant: string;
};

const MAX_GRAPH_SPANS = 1_000_000;

/** SpanKind as graphSpanSelect returns it (the `kinds` parameter): its index in this list, from 1. */
const GRAPH_KINDS = ['Client', 'Server', 'Producer', 'Consumer'] as const;
const NO_LINKS: readonly { traceId: string; spanId: string }[] = Object.freeze([]);

/**
 * The columns readGraphSpans reads, in its order. Rows come back as RowBinary: tens of
 * thousands of spans per chunk, which ClickHouse wrote as JSON for ~3x the CPU (and which the
 * JS then parsed; docs/performance.md, session 20).
 */
function graphSpanSelect(): string {
  // Resource attributes first, span attributes win (peer.service is usually set per span).
  return `Tenant, TraceId, SpanId, ParentSpanId, ServiceName,
  toUInt8(indexOf({kinds:Array(String)}, SpanKind)), StatusCode = 'Error', Duration,
  mapUpdate(mapFilter((k, v) -> has({attrs:Array(String)}, k), ResourceAttributes),
            mapFilter((k, v) -> has({attrs:Array(String)}, k), SpanAttributes)),
  \`Links.TraceId\`, \`Links.SpanId\``;
}

function readGraphSpans(bytes: Buffer): GraphSpanRow[] {
  const r = new RowBinaryReader(bytes);
  const spans: GraphSpanRow[] = [];
  while (!r.done) {
    const tenant = r.repeated();
    const traceId = r.repeated();
    const spanId = r.string();
    const parentSpanId = r.string();
    const service = r.repeated();
    const kind = GRAPH_KINDS[r.u8() - 1];
    const failed = r.u8() === 1;
    const durationNs = r.i64();
    const attributes = r.repeatedMap();
    const linkTraceIds = r.strings();
    const linkSpanIds = r.strings();
    // Only the kinds above are selected: anything else means the columns and this reader differ.
    if (kind === undefined) throw new Error('unexpected span kind in the service graph read');
    spans.push({
      tenant,
      traceId,
      spanId,
      parentSpanId,
      service,
      kind,
      failed,
      durationNs,
      attributes,
      links: linkTraceIds.length
        ? linkTraceIds.map((id, i) => ({ traceId: id, spanId: linkSpanIds[i] ?? '' }))
        : NO_LINKS,
    });
  }
  return spans;
}

/**
 * The ingest-time range that holds the given traces' spans ingested after `sinceMs`, from
 * recent_traces (partitioned by time: the lookup reads the recent window, not 14 days of
 * trace_index); spans_recent is sorted by trace id, so the range is what narrows its read.
 */
const ingestRange = `WITH (SELECT (min(IngestStart), max(IngestEnd)) FROM recent_traces
  WHERE TraceId IN {ids:Array(String)} AND IngestEnd > fromUnixTimestamp64Milli({since:Int64})) AS range`;

/** The client/server/producer/consumer spans of the given traces. */
export async function graphSpans(
  sql: Sql,
  traceIds: readonly string[],
  attributes: readonly string[],
  sinceMs: number,
): Promise<GraphSpanRow[]> {
  if (traceIds.length === 0) return [];
  const bytes = await sql.queryRowBinary(
    `${ingestRange}
SELECT ${graphSpanSelect()}
FROM spans_recent
WHERE TraceId IN {ids:Array(String)} AND IngestTime >= range.1 AND IngestTime <= range.2
  AND SpanKind IN {kinds:Array(String)}
LIMIT ${MAX_GRAPH_SPANS}`,
    { ids: traceIds, attrs: attributes, kinds: GRAPH_KINDS, since: Math.floor(sinceMs) },
    { maxRows: MAX_GRAPH_SPANS },
  );
  return readGraphSpans(bytes);
}

/** Producer spans by (trace id, span id): the far end of consumers' span links. */
export async function producerSpans(
  sql: Sql,
  refs: readonly { traceId: string; spanId: string }[],
  attributes: readonly string[],
  sinceMs: number,
): Promise<GraphSpanRow[]> {
  if (refs.length === 0) return [];
  const bytes = await sql.queryRowBinary(
    `${ingestRange}
SELECT ${graphSpanSelect()}
FROM spans_recent
WHERE TraceId IN {ids:Array(String)} AND IngestTime >= range.1 AND IngestTime <= range.2
  AND SpanKind = 'Producer' AND SpanId IN {spanIds:Array(String)}
LIMIT ${MAX_GRAPH_SPANS}`,
    {
      ids: [...new Set(refs.map((r) => r.traceId))],
      spanIds: [...new Set(refs.map((r) => r.spanId))],
      attrs: attributes,
      kinds: GRAPH_KINDS,
      since: Math.floor(sinceMs),
    },
    { maxRows: MAX_GRAPH_SPANS },
  );
  const wanted = new Set(refs.map((r) => `${r.traceId}:${r.spanId}`));
  return readGraphSpans(bytes).filter((s) => wanted.has(`${s.traceId}:${s.spanId}`));
}

export interface EdgeRow {
  /** The tenant's stored key ('' = the default tenant). */
  tenant: string;
  windowStartMs: number;
  windowEndMs: number;
  client: string;
  server: string;
  connectionType: string;
  virtualNode: string;
  overflow: boolean;
  requests: number;
  failed: number;
  serverLatencySum: number;
  serverLatencyBuckets: number[];
  clientLatencySum: number;
  clientLatencyBuckets: number[];
  exemplars: StoredExemplar[];
}

export async function insertEdges(sql: Sql, rows: readonly EdgeRow[]): Promise<void> {
  await insertObjects(
    sql,
    'service_graph_edges',
    rows.map((r) => ({
      Tenant: r.tenant,
      WindowStart: r.windowStartMs,
      WindowEnd: r.windowEndMs,
      Client: r.client,
      Server: r.server,
      ConnectionType: r.connectionType,
      VirtualNode: r.virtualNode,
      Overflow: r.overflow,
      Requests: r.requests,
      Failed: r.failed,
      ServerLatencySum: r.serverLatencySum,
      ServerLatencyBuckets: r.serverLatencyBuckets,
      ClientLatencySum: r.clientLatencySum,
      ClientLatencyBuckets: r.clientLatencyBuckets,
      ...exemplarColumns(r.exemplars),
    })),
  );
}

const EDGE_LIMIT = 100_000;

/**
 * Edge totals per (tenant, client, server, connection type) over a range: for the API (one
 * tenant, a time range) and, with `endMs` the watermark and every tenant, to restore the
 * counters of /metrics at start.
 */
export async function edgeTotals(
  sql: Sql,
  q: { tenant?: string; startMs?: number; endMs: number },
): Promise<(Omit<EdgeRow, 'windowStartMs' | 'windowEndMs' | 'exemplars'> & { lastWindowEndMs: number })[]> {
  // A window reads its intervals; totals since the beginning read the hours summed first.
  const from =
    q.startMs === undefined ? intervalsBeforeSql('service_graph_edges', '{endMs:Int64}') : 'service_graph_edges FINAL';
  const where = ['WindowStart < fromUnixTimestamp64Milli({endMs:Int64})'];
  if (q.startMs !== undefined) where.push('WindowStart >= fromUnixTimestamp64Milli({startMs:Int64})');
  if (q.tenant !== undefined) where.push('Tenant = {tenant:String}');
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT Tenant AS tenant, Client AS client, Server AS server, ConnectionType AS connectionType, any(VirtualNode) AS virtualNode,
  any(Overflow) AS overflow, sum(Requests) AS requests, sum(Failed) AS failed,
  sum(ServerLatencySum) AS serverLatencySum, sumForEach(ServerLatencyBuckets) AS serverLatencyBuckets,
  sum(ClientLatencySum) AS clientLatencySum, sumForEach(ClientLatencyBuckets) AS clientLatencyBuckets,
  toUnixTimestamp64Milli(max(WindowEnd)) AS lastWindowEndMs
FROM ${from}
WHERE ${where.join(' AND ')}
GROUP BY tenant, client, server, connectionType
ORDER BY tenant, client, server, connectionType
LIMIT ${EDGE_LIMIT}`,
    defined({ ...q, tenant: q.tenant === undefined ? undefined : tenantKey(q.tenant), ...hoursSummedParams }),
    { maxRows: EDGE_LIMIT },
  );
  return rows.map((r) => ({
    tenant: String(r.tenant),
    client: String(r.client),
    server: String(r.server),
    connectionType: String(r.connectionType),
    virtualNode: String(r.virtualNode),
    overflow: Boolean(r.overflow),
    requests: Number(r.requests),
    failed: Number(r.failed),
    serverLatencySum: Number(r.serverLatencySum),
    serverLatencyBuckets: (r.serverLatencyBuckets as unknown[]).map(Number),
    clientLatencySum: Number(r.clientLatencySum),
    clientLatencyBuckets: (r.clientLatencyBuckets as unknown[]).map(Number),
    lastWindowEndMs: Number(r.lastWindowEndMs),
  }));
}
