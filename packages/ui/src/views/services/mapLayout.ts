// Service-map layout with dagre (layered, callers left of callees). dagre breaks cycles, routes
// self-calls as loops and places edge labels as nodes of their own, so labels do not overlap
// nodes or each other; measured against elkjs and cytoscape in docs/performance.md.
import dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphNode } from '../../api';

export interface PlacedNode {
  node: GraphNode;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  edge: GraphEdge;
  points: { x: number; y: number }[];
  label: { x: number; y: number; text: string };
}

export interface MapLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export const LABEL_HEIGHT = 14;
const CHAR_WIDTH = 6.2;

/** Node width grows with the log of its request rate, relative to the busiest node. */
export function nodeWidth(rate: number, maxRate: number): number {
  if (!(maxRate > 0) || !(rate > 0)) return 140;
  return 140 + 60 * (Math.log1p(rate) / Math.log1p(maxRate));
}

export function layoutMap(
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
  edgeLabel: (e: GraphEdge) => string,
): MapLayout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 90, edgesep: 12, marginx: 16, marginy: 44 });
  g.setDefaultEdgeLabel(() => ({}));
  const maxRate = Math.max(0, ...nodes.map((n) => n.requestRate));
  for (const n of nodes) g.setNode(n.id, { width: nodeWidth(n.requestRate, maxRate), height: 44 });
  const texts = new Map<string, string>();
  edges.forEach((e, i) => {
    // An edge to a node the graph does not list (outside the range's nodes) gets one, so it is drawn.
    for (const id of [e.client, e.server]) if (!g.hasNode(id)) g.setNode(id, { width: 140, height: 44, virtual: true });
    const text = edgeLabel(e);
    texts.set(`e${i}`, text);
    g.setEdge(e.client, e.server, { width: text.length * CHAR_WIDTH, height: LABEL_HEIGHT, labelpos: 'c' }, `e${i}`);
  });
  dagre.layout(g);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const placed: PlacedNode[] = g.nodes().map((id) => {
    const v = g.node(id);
    const node = byId.get(id) ?? { id, kind: 'unknown', requestRate: 0, errorRatio: 0 };
    return { node, x: v.x - v.width / 2, y: v.y - v.height / 2, width: v.width, height: v.height };
  });
  const placedEdges: PlacedEdge[] = edges.map((e, i) => {
    const v = g.edge(e.client, e.server, `e${i}`);
    return {
      edge: e,
      points: v.points ?? [],
      label: { x: v.x ?? 0, y: v.y ?? 0, text: texts.get(`e${i}`) ?? '' },
    };
  });
  const gl = g.graph();
  return { nodes: placed, edges: placedEdges, width: gl.width ?? 0, height: gl.height ?? 0 };
}
