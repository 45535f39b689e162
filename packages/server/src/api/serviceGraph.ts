import { quantile } from '@tracehouse/derived';
import type { FastifyInstance } from 'fastify';
import { tenantOf } from '../auth/hook';
import type { Derived } from '../processor/derived';
import { timeRange } from './params';

type NodeKind = 'service' | 'database' | 'messaging' | 'user' | 'virtual';

const nodeSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['service', 'database', 'messaging', 'user', 'virtual'] },
    requestRate: {
      type: 'number',
      description: 'requests per second into the node (out of it for a client-only node)',
    },
    errorRatio: { type: ['number', 'null'] },
  },
};
const edgeSchema = {
  type: 'object',
  properties: {
    client: { type: 'string' },
    server: { type: 'string' },
    connectionType: { type: 'string', enum: ['', 'database', 'messaging_system', 'virtual_node'] },
    requests: { type: 'number' },
    failed: { type: 'number' },
    requestRate: { type: 'number' },
    errorRatio: { type: ['number', 'null'] },
    serverP50: { type: ['number', 'null'], description: 'seconds' },
    serverP95: { type: ['number', 'null'] },
    clientP50: { type: ['number', 'null'] },
    clientP95: { type: ['number', 'null'] },
  },
};

/** The service graph over a time range, from the stored edge intervals. */
export function serviceGraphRoutes(app: FastifyInstance, derived: Derived): void {
  app.get(
    '/api/v1/service-graph',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'Services, databases and virtual peers with the requests between them (from complete traces)',
        tags: ['derived'],
        querystring: {
          type: 'object',
          properties: {
            start: { type: 'string', description: 'Unix seconds (default: end - 1h)' },
            end: { type: 'string', description: 'Unix seconds (default: now)' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { nodes: { type: 'array', items: nodeSchema }, edges: { type: 'array', items: edgeSchema } },
          },
        },
      },
    },
    async (req) => {
      const { start, end } = timeRange(req.query as Record<string, string | undefined>);
      const seconds = Math.max(end - start, 1e-3);
      const totals = (
        await derived.store.edgeTotals({
          tenant: tenantOf(req),
          startMs: Math.floor(start * 1000),
          endMs: Math.ceil(end * 1000),
        })
      ).filter((t) => !t.overflow);
      const edges = totals.map((t) => ({
        client: t.client,
        server: t.server,
        connectionType: t.connectionType,
        requests: t.requests,
        failed: t.failed,
        requestRate: t.requests / seconds,
        errorRatio: t.requests ? t.failed / t.requests : null,
        serverP50: quantile(0.5, t.serverLatencyBuckets),
        serverP95: quantile(0.95, t.serverLatencyBuckets),
        clientP50: quantile(0.5, t.clientLatencyBuckets),
        clientP95: quantile(0.95, t.clientLatencyBuckets),
      }));

      const nodes = new Map<string, { kind: NodeKind; in: number; inFailed: number; out: number; outFailed: number }>();
      const node = (id: string, kind: NodeKind) => {
        let n = nodes.get(id);
        if (!n) {
          n = { kind, in: 0, inFailed: 0, out: 0, outFailed: 0 };
          nodes.set(id, n);
        } else if (kind === 'service') n.kind = 'service'; // instrumented anywhere: a service
        return n;
      };
      for (const t of totals) {
        const clientKind: NodeKind = t.virtualNode === 'client' && t.client === 'user' ? 'user' : 'service';
        const serverKind: NodeKind =
          t.connectionType === 'database' ? 'database' : t.virtualNode === 'server' ? 'virtual' : 'service';
        const c = node(t.client, clientKind);
        const s = node(t.server, serverKind);
        c.out += t.requests;
        c.outFailed += t.failed;
        s.in += t.requests;
        s.inFailed += t.failed;
      }
      return {
        nodes: [...nodes.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([id, n]) => {
            const [requests, failed] = n.in > 0 ? [n.in, n.inFailed] : [n.out, n.outFailed];
            return {
              id,
              kind: n.kind,
              requestRate: requests / seconds,
              errorRatio: requests ? failed / requests : null,
            };
          }),
        edges,
      };
    },
  );
}
