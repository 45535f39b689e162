import type { LabelPairs } from '../exposition/format';
import { floorTo, type IntervalOptions, IntervalProcessor, type SeriesUpdate } from '../processor';
import { exemplarsByBucket, LATENCY_BUCKETS } from '../spanmetrics/buckets';
import { CumulativeSeries } from '../spanmetrics/cumulative';
import { OVERFLOW_KEY, OVERFLOW_LABELS, type SeriesLimiter, tenantSeriesKey } from '../spanmetrics/overflow';
import type { DerivedStore } from '../store';
import { aggregateEdges, type EdgeStats, edgeKey } from './aggregate';
import { GRAPH_ATTRIBUTES, pairSpans } from './pairing';
import type { EdgeRow, GraphSpanRow } from './sql';

export interface ServiceGraphOptions extends IntervalOptions {
  /** Spans that could not be paired nor given a virtual peer (a self-metric). */
  onUnpaired?: (n: number) => void;
}

/** Traces per span read: bounds the IN list and the rows one query returns. */
const TRACE_CHUNK = 5000;

/**
 * Service-graph edges from complete traces. The sampling processor records one decision per
 * trace when the trace is complete; this processor takes the traces first decided in each
 * whole interval of decision time (older than `lagMs`), reads their client, server,
 * producer and consumer spans from spans_recent and pairs them. Exemplars come from kept
 * traces only, so each one opens a stored trace.
 */
export class ServiceGraphProcessor extends IntervalProcessor<EdgeRow> {
  readonly name = 'service_graph';

  constructor(
    store: DerivedStore,
    private readonly options: ServiceGraphOptions,
  ) {
    super(new CumulativeSeries({ server: LATENCY_BUCKETS, client: LATENCY_BUCKETS }), store, options);
  }

  protected async totals(watermarkMs: number): Promise<SeriesUpdate[]> {
    return (await this.store.edgeTotals({ endMs: watermarkMs })).map((t) => ({
      key: rowKey(t),
      tenant: t.tenant,
      labels: labelsOf(t),
      delta: {
        counters: { requests: t.requests, failed: t.failed },
        histograms: {
          server: { buckets: t.serverLatencyBuckets, sum: t.serverLatencySum },
          client: { buckets: t.clientLatencyBuckets, sum: t.clientLatencySum },
        },
      },
      windowEndMs: t.lastWindowEndMs,
    }));
  }

  protected async firstMs(nowMs: number): Promise<number> {
    return (await this.store.oldestDecisionMs()) ?? nowMs - this.options.lagMs;
  }

  protected async ready(nowMs: number): Promise<number> {
    return floorTo(nowMs - this.options.lagMs, this.options.intervalMs);
  }

  protected async compute(fromMs: number, toMs: number, limiter: SeriesLimiter) {
    const { intervalMs, onUnpaired } = this.options;
    const rows: EdgeRow[] = [];
    let unpaired = 0;
    for (let w = fromMs; w < toMs; w += intervalMs) {
      const r = await this.window(w, w + intervalMs, limiter);
      rows.push(...r.rows);
      unpaired += r.unpaired;
    }
    return { rows, after: () => unpaired && onUnpaired?.(unpaired) };
  }

  protected insert(rows: readonly EdgeRow[]): Promise<void> {
    return this.store.insertEdges(rows);
  }

  protected update(r: EdgeRow): SeriesUpdate {
    return {
      key: rowKey(r),
      tenant: r.tenant,
      labels: labelsOf(r),
      delta: {
        counters: { requests: r.requests, failed: r.failed },
        histograms: {
          server: {
            buckets: r.serverLatencyBuckets,
            sum: r.serverLatencySum,
            exemplars: exemplarsByBucket(r.exemplars),
          },
          client: { buckets: r.clientLatencyBuckets, sum: r.clientLatencySum },
        },
      },
      windowEndMs: r.windowEndMs,
    };
  }

  private async window(
    fromMs: number,
    toMs: number,
    limiter: SeriesLimiter,
  ): Promise<{ rows: EdgeRow[]; unpaired: number }> {
    const decided = await this.store.decidedTraces(fromMs, toMs);
    if (decided.length === 0) return { rows: [], unpaired: 0 };
    const kept = new Set(decided.filter((d) => d.kept).map((d) => d.traceId));
    const ids = decided.map((d) => d.traceId).sort();
    const rows = new Map<string, EdgeRow>();
    let unpaired = 0;
    // A chunk of traces at a time, read, paired and summed before the next is read: an
    // interval of a busy ingest holds hundreds of thousands of client and server spans, and
    // holding them all at once took the JS heap past a gigabyte (docs/performance.md, session 18).
    // Edges are the same: a trace's spans are all in its chunk, and a producer in another
    // trace is fetched by the consumer's link. Only the `unpaired` count may differ: such a
    // producer is also counted unpaired in its own trace's chunk when that is another one.
    for (let i = 0; i < ids.length; i += TRACE_CHUNK) {
      const spans = await this.store.graphSpans(ids.slice(i, i + TRACE_CHUNK), GRAPH_ATTRIBUTES, fromMs);
      // Deterministic input order, so a re-run interval yields the same rows.
      spans.sort(byTraceAndSpanId);
      const refs = linkedProducers(spans);
      if (refs.length) {
        spans.push(...(await this.store.producerSpans(refs, GRAPH_ATTRIBUTES, fromMs)));
        spans.sort(byTraceAndSpanId);
      }
      unpaired += this.sum(spans, kept, fromMs, toMs, limiter, rows);
    }
    return { rows: [...rows.values()], unpaired };
  }

  /** Pairs one chunk's spans (sorted) and adds its edges to `rows`; returns the spans left unpaired. */
  private sum(
    spans: readonly GraphSpanRow[],
    kept: ReadonlySet<string>,
    fromMs: number,
    toMs: number,
    limiter: SeriesLimiter,
    rows: Map<string, EdgeRow>,
  ): number {
    // Each tenant's spans are paired among themselves: a call from one tenant's service to
    // another tenant's shows in each tenant's graph as a call to or from a peer it cannot see.
    const byTenant = new Map<string, GraphSpanRow[]>();
    for (const span of spans) {
      const group = byTenant.get(span.tenant);
      if (group) group.push(span);
      else byTenant.set(span.tenant, [span]);
    }
    let unpaired = 0;
    for (const [tenant, tenantSpans] of [...byTenant.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const pairing = pairSpans(tenantSpans);
      unpaired += pairing.unpaired;
      const stats = aggregateEdges(pairing.edges, (id) => kept.has(id), (BigInt(toMs) * 1_000_000n).toString());
      for (const [edge, s] of [...stats.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const key = tenantSeriesKey(tenant, edge);
        const admitted = limiter.admit(key, tenant);
        let r = rows.get(admitted);
        if (!r) {
          r = emptyRow(tenant, fromMs, toMs, admitted === key ? s : null);
          rows.set(admitted, r);
        }
        addStats(r, s);
      }
    }
    return unpaired;
  }
}

/** Trace id, then span id, compared apart: joining them made two strings per comparison. */
function byTraceAndSpanId(a: GraphSpanRow, b: GraphSpanRow): number {
  if (a.traceId !== b.traceId) return a.traceId < b.traceId ? -1 : 1;
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

/**
 * The producers that consumers of this chunk (sorted by trace and span id) link to and that are
 * not in it (they are in another trace): the pairing fetches those too. Most consumers have
 * their producer as parent in their own trace; each lookup is a binary search of the chunk, where
 * a set of every span's joined ids cost ~1 s of the ingest bench's 60 s (session 20).
 */
function linkedProducers(sorted: readonly GraphSpanRow[]): { traceId: string; spanId: string }[] {
  const refs: { traceId: string; spanId: string }[] = [];
  for (const s of sorted) {
    if (s.kind !== 'Consumer' || !s.links?.length || holds(sorted, s.traceId, s.parentSpanId)) continue;
    for (const l of s.links) if (!holds(sorted, l.traceId, l.spanId)) refs.push(l);
  }
  return refs;
}

/** Whether spans sorted by byTraceAndSpanId hold this trace and span id. */
function holds(sorted: readonly GraphSpanRow[], traceId: string, spanId: string): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = sorted[mid]!;
    if (s.traceId < traceId || (s.traceId === traceId && s.spanId < spanId)) lo = mid + 1;
    else hi = mid;
  }
  const s = sorted[lo];
  return s !== undefined && s.traceId === traceId && s.spanId === spanId;
}

/** The series key of a stored edge row: its tenant's, and its edge's or the overflow's. */
function rowKey(r: Pick<EdgeRow, 'tenant' | 'client' | 'server' | 'connectionType' | 'overflow'>): string {
  return tenantSeriesKey(r.tenant, r.overflow ? OVERFLOW_KEY : edgeKey(r));
}

function emptyRow(tenant: string, fromMs: number, toMs: number, s: EdgeStats | null): EdgeRow {
  return {
    tenant,
    windowStartMs: fromMs,
    windowEndMs: toMs,
    client: s?.client ?? '',
    server: s?.server ?? '',
    connectionType: s?.connectionType ?? '',
    virtualNode: s?.virtualNode ?? '',
    overflow: s === null,
    requests: 0,
    failed: 0,
    serverLatencySum: 0,
    serverLatencyBuckets: new Array<number>(LATENCY_BUCKETS).fill(0),
    clientLatencySum: 0,
    clientLatencyBuckets: new Array<number>(LATENCY_BUCKETS).fill(0),
    exemplars: [],
  };
}

function addStats(r: EdgeRow, s: EdgeStats): void {
  r.requests += s.requests;
  r.failed += s.failed;
  r.serverLatencySum += s.serverLatency.sum;
  r.clientLatencySum += s.clientLatency.sum;
  s.serverLatency.buckets.forEach((n, i) => {
    r.serverLatencyBuckets[i]! += n;
  });
  s.clientLatency.buckets.forEach((n, i) => {
    r.clientLatencyBuckets[i]! += n;
  });
  s.serverExemplars.forEach((e, bucket) => {
    if (!e) return;
    const i = r.exemplars.findIndex((x) => x.bucket === bucket);
    if (i < 0) r.exemplars.push({ bucket, ...e });
    else r.exemplars[i] = { bucket, ...e };
  });
}

function labelsOf(r: { client: string; server: string; connectionType: string; overflow: boolean }): LabelPairs {
  if (r.overflow) return OVERFLOW_LABELS;
  return [
    ['client', r.client],
    ['server', r.server],
    ['connection_type', r.connectionType],
  ];
}
