import { SpanIdMap } from '@tracehouse/otlp';

/**
 * Service-graph edges from the spans of complete traces. Pairing follows Tempo's
 * servicegraphs processor: a CLIENT or PRODUCER span is matched by its own span id to the
 * SERVER or CONSUMER span whose parent it is, whatever order they arrived in; producer and
 * consumer make a `messaging_system` edge. Because the whole trace is at hand (the edges are
 * computed when the sampling decision is made), nothing waits in a store with a TTL: what is
 * unpaired now stays unpaired, and becomes a virtual node or is counted as unpaired at once.
 */

export type ConnectionType = '' | 'database' | 'messaging_system' | 'virtual_node';

export interface GraphSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  service: string;
  /** As stored: 'Server', 'Client', 'Producer', 'Consumer', 'Internal', 'Unspecified'. */
  kind: string;
  failed: boolean;
  durationNs: number;
  /** The span and resource attributes the graph reads (peer.service, db.system, ...). */
  attributes: Readonly<Record<string, string>>;
  /** Span links (trace id, span id): a consumer may point at its producer this way. */
  links?: readonly { traceId: string; spanId: string }[];
}

export interface Edge {
  client: string;
  server: string;
  connectionType: ConnectionType;
  failed: boolean;
  /** Absent when that side was not instrumented (virtual node). */
  clientDurationNs?: number;
  serverDurationNs?: number;
  /** What the node on the uninstrumented side is, for the graph's node kinds. */
  virtualNode?: 'client' | 'server';
  /** A span of the edge (the server side when instrumented), for exemplars. */
  traceId: string;
  spanId: string;
}

/** Attributes naming an uninstrumented callee, in order of preference (Tempo's peer_attributes). */
export const PEER_ATTRIBUTES = ['peer.service', 'server.address', 'db.name'] as const;
/** Attributes that name a database node, in order (Tempo's database edge naming). */
export const DATABASE_NAME_ATTRIBUTES = [
  'peer.service',
  'server.address',
  'network.peer.address',
  'db.namespace',
  'db.name',
  'db.system',
] as const;
/** Every attribute the pairing reads; the store fetches only these. */
export const GRAPH_ATTRIBUTES = [...new Set([...PEER_ATTRIBUTES, ...DATABASE_NAME_ATTRIBUTES, 'db.system'])];

const isCaller = (k: string) => k === 'Client' || k === 'Producer';
const isCallee = (k: string) => k === 'Server' || k === 'Consumer';
const first = (attrs: Readonly<Record<string, string>>, names: readonly string[]) =>
  names.map((n) => attrs[n]).find((v) => v !== undefined && v !== '');

export interface Pairing {
  edges: Edge[];
  /** Spans that could be neither paired nor given a virtual peer (Tempo's expired edges). */
  unpaired: number;
}

/**
 * Traces up to this many callers find a span's parent by a scan of their callers; larger
 * ones by a map. Most traces hold a few dozen spans, and comparing a dozen strings costs less
 * than hashing one (measured on the bench's traces, docs/performance.md, session 20).
 */
const SCANNED_CALLERS = 32;

/**
 * Pairs each trace's spans among themselves (a server's parent is in its own trace); only a
 * consumer's span link may point into another trace, and those are looked up among every
 * caller of the input. Edges come out in input order within each trace, the edges of
 * callees first and then those of unpaired callers, as a single pass over the input would
 * give them when it holds its traces one after the other.
 */
export function pairSpans(spans: readonly GraphSpan[]): Pairing {
  const calleeEdges: Edge[] = [];
  const callerEdges: Edge[] = [];
  let unpaired = 0;
  // Every caller of the input by (trace id, span id), built on a consumer's first link lookup.
  let allCallers: SpanIdMap<GraphSpan> | undefined;
  const callerOfLink = (l: { traceId: string; spanId: string }) => {
    if (!allCallers) {
      allCallers = new SpanIdMap<GraphSpan>((s) => s.traceId);
      for (const s of spans) if (isCaller(s.kind)) allCallers.set(s.spanId, s);
    }
    return allCallers.get(l.traceId, l.spanId);
  };
  // Producers no span of their trace called back, and those a link of another trace paired.
  const openProducers: GraphSpan[] = [];
  const linkedProducers = new Set<GraphSpan>();

  for (const trace of byTrace(spans)) {
    const callers = new Callers(trace);
    for (const server of trace) {
      if (!isCallee(server.kind)) continue;
      let client = server.parentSpanId ? callers.pair(server.parentSpanId) : undefined;
      if (!client && server.kind === 'Consumer') {
        // OTel messaging conventions correlate a consumer with its producer by span link.
        for (const l of server.links ?? []) {
          const c = callerOfLink(l);
          if (c?.kind === 'Producer') {
            client = c;
            linkedProducers.add(c);
            break;
          }
        }
      }
      if (client) {
        const messaging = client.kind === 'Producer' || server.kind === 'Consumer';
        calleeEdges.push({
          client: client.service,
          server: server.service,
          connectionType: messaging ? 'messaging_system' : '',
          failed: client.failed || server.failed,
          clientDurationNs: client.durationNs,
          serverDurationNs: server.durationNs,
          traceId: server.traceId,
          spanId: server.spanId,
        });
      } else if (!server.parentSpanId) {
        // A root entry span: its caller is outside the traced world.
        calleeEdges.push({
          client: 'user',
          server: server.service,
          connectionType: 'virtual_node',
          failed: server.failed,
          serverDurationNs: server.durationNs,
          virtualNode: 'client',
          traceId: server.traceId,
          spanId: server.spanId,
        });
      } else {
        unpaired++;
      }
    }

    for (const client of callers.unpaired()) {
      if (client.kind === 'Producer') {
        // A producer without a consumer in view may still be paired by a consumer's link in
        // a later trace, so it never becomes a virtual node (that would count the message twice).
        openProducers.push(client);
        continue;
      }
      const edge = virtualServerEdge(client);
      if (edge) callerEdges.push(edge);
      else unpaired++;
    }
  }
  for (const p of openProducers) if (!linkedProducers.has(p)) unpaired++;
  for (const e of callerEdges) calleeEdges.push(e);
  return { edges: calleeEdges, unpaired };
}

/** The edge of a client span nothing answered: to the peer or database it names, if any. */
function virtualServerEdge(client: GraphSpan): Edge | undefined {
  const database = (client.attributes['db.system'] ?? '') !== '';
  const peer = first(client.attributes, database ? DATABASE_NAME_ATTRIBUTES : PEER_ATTRIBUTES);
  if (!peer) return undefined;
  return {
    client: client.service,
    server: peer,
    connectionType: database ? 'database' : 'virtual_node',
    failed: client.failed,
    clientDurationNs: client.durationNs,
    // A database edge is complete at once: the server side lasted what the client saw.
    serverDurationNs: database ? client.durationNs : undefined,
    virtualNode: 'server',
    traceId: client.traceId,
    spanId: client.spanId,
  };
}

/** The input's spans per trace, each trace in input order, the traces in order of first span. */
function byTrace(spans: readonly GraphSpan[]): Iterable<GraphSpan[]> {
  const traces = new Map<string, GraphSpan[]>();
  for (const s of spans) {
    const trace = traces.get(s.traceId);
    if (trace) trace.push(s);
    else traces.set(s.traceId, [s]);
  }
  return traces.values();
}

/** One trace's callers, found by span id; remembers which ones a callee paired with. */
class Callers {
  private readonly callers: GraphSpan[] = [];
  private readonly paired: boolean[];
  /** Index by span id, for traces of more than SCANNED_CALLERS callers. */
  private readonly index: Map<string, number> | undefined;

  constructor(trace: readonly GraphSpan[]) {
    for (const s of trace) if (isCaller(s.kind)) this.callers.push(s);
    this.paired = new Array<boolean>(this.callers.length).fill(false);
    if (this.callers.length > SCANNED_CALLERS) {
      // A span id held twice in a trace: the later span answers, as a scan from the end finds.
      const index = new Map<string, number>();
      for (let i = 0; i < this.callers.length; i++) index.set(this.callers[i]!.spanId, i);
      this.index = index;
    }
  }

  /** The caller with this span id (the last one when repeated), now marked paired. */
  pair(spanId: string): GraphSpan | undefined {
    let i = -1;
    if (this.index) i = this.index.get(spanId) ?? -1;
    else for (i = this.callers.length - 1; i >= 0 && this.callers[i]!.spanId !== spanId; i--);
    if (i < 0) return undefined;
    this.paired[i] = true;
    return this.callers[i];
  }

  /** The callers no callee paired with, in input order. */
  *unpaired(): Iterable<GraphSpan> {
    for (let i = 0; i < this.callers.length; i++) if (!this.paired[i]) yield this.callers[i]!;
  }
}
