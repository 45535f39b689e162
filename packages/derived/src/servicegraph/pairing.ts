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

export function pairSpans(spans: readonly GraphSpan[]): Pairing {
  const callers = new SpanIdMap<GraphSpan>((s) => s.traceId);
  for (const s of spans) if (isCaller(s.kind)) callers.set(s.spanId, s);
  const paired = new Set<GraphSpan>();
  const edges: Edge[] = [];
  let unpaired = 0;

  for (const server of spans) {
    if (!isCallee(server.kind)) continue;
    let client = server.parentSpanId ? callers.get(server.traceId, server.parentSpanId) : undefined;
    if (!client && server.kind === 'Consumer') {
      // OTel messaging conventions correlate a consumer with its producer by span link.
      for (const l of server.links ?? []) {
        const c = callers.get(l.traceId, l.spanId);
        if (c?.kind === 'Producer') {
          client = c;
          break;
        }
      }
    }
    if (client) {
      paired.add(client);
      const messaging = client.kind === 'Producer' || server.kind === 'Consumer';
      edges.push({
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
      edges.push({
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

  for (const client of spans) {
    if (!isCaller(client.kind) || paired.has(client)) continue;
    const database = client.kind === 'Client' && (client.attributes['db.system'] ?? '') !== '';
    const peer =
      client.kind === 'Client'
        ? first(client.attributes, database ? DATABASE_NAME_ATTRIBUTES : PEER_ATTRIBUTES)
        : undefined;
    if (!peer) {
      // A producer without a consumer in view may still be paired by a consumer's link later,
      // so it never becomes a virtual node (that would count the message twice).
      unpaired++;
      continue;
    }
    edges.push({
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
    });
  }
  return { edges, unpaired };
}
