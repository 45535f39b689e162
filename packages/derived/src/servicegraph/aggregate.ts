import type { Exemplar } from '../exposition/format';
import { emptyHistogram, type Histogram, observe } from '../spanmetrics/buckets';
import type { ConnectionType, Edge } from './pairing';

/** One edge's numbers over an interval; histograms in seconds on the span-metrics buckets. */
export interface EdgeStats {
  client: string;
  server: string;
  connectionType: ConnectionType;
  /** Which side is a virtual node ('' when both are instrumented). */
  virtualNode: '' | 'client' | 'server';
  requests: number;
  failed: number;
  serverLatency: Histogram;
  clientLatency: Histogram;
  /** Latest exemplar per server-latency bucket, from kept traces only. */
  serverExemplars: (Exemplar | undefined)[];
}

export const edgeKey = (e: { client: string; server: string; connectionType: string }): string =>
  JSON.stringify([e.client, e.server, e.connectionType]);

/**
 * Sums edges per (client, server, connection type). `isKept` says whether a trace is kept by
 * sampling: only those become exemplars, so an exemplar always opens a stored trace.
 */
export function aggregateEdges(
  edges: readonly Edge[],
  isKept: (traceId: string) => boolean,
  timeUnixNano: string,
): Map<string, EdgeStats> {
  const out = new Map<string, EdgeStats>();
  // Found by connection type, client, then server, without building a key per edge; the key
  // is made once per distinct edge.
  const found = new Map<ConnectionType, Map<string, Map<string, EdgeStats>>>();
  for (const e of edges) {
    let byClient = found.get(e.connectionType);
    if (!byClient) {
      byClient = new Map();
      found.set(e.connectionType, byClient);
    }
    let byServer = byClient.get(e.client);
    if (!byServer) {
      byServer = new Map();
      byClient.set(e.client, byServer);
    }
    let s = byServer.get(e.server);
    if (!s) {
      const serverLatency = emptyHistogram();
      s = {
        client: e.client,
        server: e.server,
        connectionType: e.connectionType,
        virtualNode: e.virtualNode ?? '',
        requests: 0,
        failed: 0,
        serverLatency,
        clientLatency: emptyHistogram(),
        serverExemplars: new Array<Exemplar | undefined>(serverLatency.buckets.length).fill(undefined),
      };
      byServer.set(e.server, s);
      out.set(edgeKey(e), s);
    }
    s.requests++;
    if (e.failed) s.failed++;
    if (e.clientDurationNs !== undefined) observe(s.clientLatency, e.clientDurationNs);
    if (e.serverDurationNs !== undefined) {
      const i = observe(s.serverLatency, e.serverDurationNs);
      if (isKept(e.traceId))
        s.serverExemplars[i] = {
          traceId: e.traceId,
          spanId: e.spanId,
          value: Math.max(0, e.serverDurationNs) / 1e9,
          timeUnixNano,
        };
    }
  }
  return out;
}
