import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { aggregateEdges, type GraphSpan, LATENCY_BOUNDS_SECONDS, pairSpans } from '../../src/index';

const T = '0af7651916cd43dd8448eb211c80319c';
let next = 1;
function span(p: Partial<GraphSpan> & Pick<GraphSpan, 'service' | 'kind'>): GraphSpan {
  return {
    traceId: T,
    spanId: (next++).toString(16).padStart(16, '0'),
    parentSpanId: '',
    failed: false,
    durationNs: 1_000_000,
    attributes: {},
    ...p,
  };
}

describe('service graph pairing', () => {
  const web = span({ service: 'web', kind: 'Client', durationNs: 120_000_000, parentSpanId: 'ffffffffffffffff' });
  const api = span({ service: 'api', kind: 'Server', durationNs: 100_000_000, parentSpanId: web.spanId });

  test('client and server pair by parent id, in either arrival order', () => {
    for (const order of [
      [web, api],
      [api, web],
    ]) {
      const { edges, unpaired } = pairSpans(order);
      assert.equal(unpaired, 0);
      assert.equal(edges.length, 1);
      const stats = [...aggregateEdges(edges, () => true, '1').values()][0]!;
      assert.deepEqual([stats.client, stats.server, stats.connectionType], ['web', 'api', '']);
      assert.equal(stats.requests, 1);
      assert.ok(Math.abs(stats.clientLatency.sum - 0.12) < 1e-12);
      assert.ok(Math.abs(stats.serverLatency.sum - 0.1) < 1e-12);
    }
  });

  test('traces that reuse one client span id each pair with their own server', () => {
    const id = 'abcdefabcdefabcd';
    const traces = ['1'.repeat(32), '2'.repeat(32), '3'.repeat(32)];
    const spans = traces.flatMap((traceId, i) => [
      span({ traceId, spanId: id, service: `web${i}`, kind: 'Client', parentSpanId: 'ffffffffffffffff' }),
      span({ traceId, service: `api${i}`, kind: 'Server', parentSpanId: id }),
    ]);
    // A server whose parent id names a client of another trace only: not paired with it.
    spans.push(span({ traceId: '4'.repeat(32), service: 'lost', kind: 'Server', parentSpanId: id }));
    for (const order of [spans, [...spans].reverse()]) {
      const { edges, unpaired } = pairSpans(order);
      assert.deepEqual(edges.map((e) => `${e.client}->${e.server}`).sort(), ['web0->api0', 'web1->api1', 'web2->api2']);
      assert.equal(unpaired, 1);
    }
  });

  test('an edge fails when either side is an error', () => {
    const c = span({ service: 'web', kind: 'Client', parentSpanId: 'ffffffffffffffff' });
    const s = span({ service: 'api', kind: 'Server', parentSpanId: c.spanId, failed: true });
    const [stats] = aggregateEdges(pairSpans([c, s]).edges, () => true, '1').values();
    assert.equal(stats!.requests, 1);
    assert.equal(stats!.failed, 1);
  });

  test('a root server span gets the virtual client "user"', () => {
    const root = span({ service: 'frontend', kind: 'Server' });
    const { edges } = pairSpans([root]);
    assert.deepEqual(
      edges.map((e) => [e.client, e.server, e.connectionType, e.virtualNode]),
      [['user', 'frontend', 'virtual_node', 'client']],
    );
  });

  test('an unpaired client becomes a virtual server from peer.service, or is counted as unpaired', () => {
    const stripe = span({
      service: 'shop',
      kind: 'Client',
      parentSpanId: 'ffffffffffffffff',
      attributes: { 'peer.service': 'stripe' },
    });
    const lost = span({ service: 'shop', kind: 'Client', parentSpanId: 'ffffffffffffffff' });
    const { edges, unpaired } = pairSpans([stripe, lost]);
    assert.deepEqual(
      edges.map((e) => [e.client, e.server, e.connectionType]),
      [['shop', 'stripe', 'virtual_node']],
    );
    assert.equal(unpaired, 1);
  });

  test('a client span with db.system is a database edge named by server.address', () => {
    const db = span({
      service: 'api',
      kind: 'Client',
      parentSpanId: 'ffffffffffffffff',
      durationNs: 3_000_000,
      attributes: { 'db.system': 'postgresql', 'server.address': 'pg-1' },
    });
    const [stats] = aggregateEdges(pairSpans([db]).edges, () => true, '1').values();
    assert.deepEqual([stats!.client, stats!.server, stats!.connectionType], ['api', 'pg-1', 'database']);
    assert.equal(stats!.serverLatency.count, 1, 'server latency = client latency');
  });

  test('producer and consumer pair by parent or by span link as messaging_system', () => {
    const producer = span({ service: 'orders', kind: 'Producer', parentSpanId: 'ffffffffffffffff' });
    const byParent = span({ service: 'billing', kind: 'Consumer', parentSpanId: producer.spanId });
    const other = 'b'.repeat(32);
    const byLink = span({
      service: 'mailer',
      kind: 'Consumer',
      traceId: other,
      links: [{ traceId: T, spanId: producer.spanId }],
    });
    const { edges, unpaired } = pairSpans([byLink, producer, byParent]);
    assert.equal(unpaired, 0);
    assert.deepEqual(edges.map((e) => [e.client, e.server, e.connectionType]).sort(), [
      ['orders', 'billing', 'messaging_system'],
      ['orders', 'mailer', 'messaging_system'],
    ]);
  });

  test('a producer linked from a later trace is paired; one nobody consumes counts as unpaired', () => {
    const producer = span({ service: 'orders', kind: 'Producer', parentSpanId: 'ffffffffffffffff' });
    const lonely = span({ service: 'orders', kind: 'Producer', parentSpanId: 'ffffffffffffffff' });
    const byLink = span({
      service: 'mailer',
      kind: 'Consumer',
      traceId: 'c'.repeat(32),
      links: [{ traceId: T, spanId: producer.spanId }],
    });
    for (const order of [
      [producer, lonely, byLink],
      [byLink, lonely, producer],
    ]) {
      const { edges, unpaired } = pairSpans(order);
      assert.deepEqual(
        edges.map((e) => [e.client, e.server, e.connectionType]),
        [['orders', 'mailer', 'messaging_system']],
      );
      assert.equal(unpaired, 1);
    }
  });

  test('small and large traces pair alike, a repeated client span id answering with its last span', () => {
    // 3 callers are found by a scan of the trace, 80 through an index: the same rules either way.
    for (const callers of [3, 80]) {
      const traceId = callers.toString(16).padStart(32, '0');
      const clients = Array.from({ length: callers }, (_, i) =>
        span({ traceId, service: `web${i}`, kind: 'Client', parentSpanId: 'ffffffffffffffff' }),
      );
      const servers = clients.map((c, i) =>
        span({ traceId, service: `api${i}`, kind: 'Server', parentSpanId: c.spanId }),
      );
      // The first client's id again, on a later span: the server of that id pairs with this one.
      const again = span({ traceId, spanId: clients[0]!.spanId, service: 'again', kind: 'Client', parentSpanId: 'ff' });
      const { edges, unpaired } = pairSpans([...servers, ...clients, again]);
      assert.deepEqual(
        edges.map((e) => `${e.client}->${e.server}`),
        ['again->api0', ...clients.slice(1).map((_, i) => `web${i + 1}->api${i + 1}`)],
      );
      assert.equal(unpaired, 1, 'the first span of the repeated id answered nothing');
    }
  });

  test('exemplars come only from kept traces and sit in the bucket of their value', () => {
    const c = span({ service: 'web', kind: 'Client', parentSpanId: 'ffffffffffffffff' });
    const s = span({ service: 'api', kind: 'Server', parentSpanId: c.spanId, durationNs: 3_000_000 });
    const kept = [...aggregateEdges(pairSpans([c, s]).edges, () => true, '5').values()][0]!;
    const i = kept.serverExemplars.findIndex((e) => e);
    assert.equal(LATENCY_BOUNDS_SECONDS[i], 0.004);
    assert.equal(kept.serverExemplars[i]!.spanId, s.spanId);
    const dropped = [...aggregateEdges(pairSpans([c, s]).edges, () => false, '5').values()][0]!;
    assert.ok(dropped.serverExemplars.every((e) => e === undefined));
  });
});
