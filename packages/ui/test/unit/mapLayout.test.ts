// The service map layout holds any topology: cycles, self-calls, 100 nodes; nothing overlaps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphEdge, GraphNode } from '../../src/api';
import { layoutMap, type PlacedNode } from '../../src/views/services/mapLayout';

const node = (id: string, requestRate = 1): GraphNode => ({ id, kind: 'service', requestRate, errorRatio: 0 });
const edge = (client: string, server: string): GraphEdge => ({
  client,
  server,
  connectionType: '',
  requests: 1,
  failed: 0,
  requestRate: 1,
  errorRatio: 0,
});
const overlap = (a: PlacedNode, b: PlacedNode) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function check(nodes: GraphNode[], edges: GraphEdge[]) {
  const l = layoutMap(nodes, edges, () => '1/s · 0%');
  assert.equal(
    l.nodes.length,
    new Set([...nodes.map((n) => n.id), ...edges.flatMap((e) => [e.client, e.server])]).size,
  );
  for (const n of l.nodes) {
    assert.ok(n.x >= 0 && n.y >= 0 && n.x + n.width <= l.width && n.y + n.height <= l.height, `${n.node.id} inside`);
  }
  for (let i = 0; i < l.nodes.length; i++)
    for (let j = i + 1; j < l.nodes.length; j++) assert.ok(!overlap(l.nodes[i], l.nodes[j]), 'nodes do not overlap');
  for (const e of l.edges) assert.ok(e.points.length >= 2, `${e.edge.client}->${e.edge.server} is routed`);
  return l;
}

test('cycles, self-calls and mutual calls are laid out inside the drawing', () => {
  check(
    ['gateway', 'auth', 'orders', 'payments', 'db'].map((id) => node(id)),
    [
      edge('gateway', 'auth'),
      edge('gateway', 'orders'),
      edge('orders', 'payments'),
      edge('payments', 'orders'),
      edge('orders', 'orders'),
      edge('orders', 'db'),
      edge('db', 'gateway'),
      edge('orders', 'unknown-peer'),
    ],
  );
});

test('100 nodes with random extra edges', () => {
  let x = 7;
  const rnd = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const nodes = Array.from({ length: 100 }, (_, i) => node(`svc-${i}`, 1 + i));
  const edges: GraphEdge[] = [];
  for (let i = 1; i < 100; i++) edges.push(edge(nodes[Math.floor(rnd() * i)].id, nodes[i].id));
  for (let i = 0; i < 50; i++) edges.push(edge(nodes[Math.floor(rnd() * 100)].id, nodes[Math.floor(rnd() * 100)].id));
  check(nodes, edges);
});
