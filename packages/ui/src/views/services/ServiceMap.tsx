// The service map: dagre's layout drawn in SVG, fitted to the canvas on load (every node
// visible whatever the topology), then wheel to zoom, drag to pan, "fit" to come back.
// Nodes are coloured by error ratio and sized by request rate; a click opens the service with
// the page's time range kept.
import { useEffect, useMemo, useRef, useState } from 'react';
import { type GraphEdge, type GraphNode, getJson } from '../../api';
import { fmtShort } from '../../charts/units';
import { Loading } from '../../components';
import { fmtPct } from '../../format';
import { linkClick, withParams } from '../../router';
import { LABEL_HEIGHT, layoutMap } from './mapLayout';

interface View {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Green below 1% errors, amber below 5%, red above; the fill is a tint, the border the colour. */
export function errorColor(ratio: number): string {
  if (!(ratio >= 0.01)) return 'var(--ok)';
  if (ratio < 0.05) return 'var(--warn)';
  return 'var(--error)';
}

const edgeText = (e: GraphEdge) => `${fmtShort(e.requestRate)}/s · ${fmtPct(e.errorRatio)}`;

export function ServiceMap({ start, end, tick }: { start: number; end: number; tick: number }) {
  const [g, setG] = useState<{ nodes: GraphNode[]; edges: GraphEdge[] } | null | 'na'>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick re-reads on auto-refresh
  useEffect(() => {
    const ac = new AbortController();
    getJson<{ nodes: GraphNode[]; edges: GraphEdge[] }>('/api/v1/service-graph', { start, end }, ac.signal).then(
      setG,
      () => (!ac.signal.aborted ? setG('na') : undefined),
    );
    return () => ac.abort();
  }, [start, end, tick]);
  if (g === null) return <Loading what="service map" />;
  if (g === 'na') return <div className="muted">Service map not available on this server yet.</div>;
  if (!g.nodes.length) return <div className="muted">Service map: no calls between services in this range.</div>;
  return <MapCanvas nodes={g.nodes} edges={g.edges} />;
}

export function MapCanvas({ nodes, edges }: { nodes: GraphNode[]; edges: GraphEdge[] }) {
  const layout = useMemo(() => layoutMap(nodes, edges, edgeText), [nodes, edges]);
  const fit: View = { x: 0, y: 0, w: Math.max(layout.width, 200), h: Math.max(layout.height, 100) };
  const [view, setView] = useState<View>(fit);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new layout is fitted again
  useEffect(() => setView(fit), [layout]);
  const svg = useRef<SVGSVGElement>(null);
  const drag = useRef<{ x: number; y: number; view: View } | null>(null);
  const height = Math.min(640, Math.max(260, layout.height * 0.9));

  // Wheel zoom around the pointer; a native listener, because React's wheel listener is passive.
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      setView((v) => {
        const k = Math.exp(e.deltaY * 0.0015);
        const scale = Math.max(v.w / r.width, v.h / r.height);
        // The point under the pointer, in layout coordinates (viewBox is centred: xMidYMid meet).
        const px = v.x + v.w / 2 + (e.clientX - r.left - r.width / 2) * scale;
        const py = v.y + v.h / 2 + (e.clientY - r.top - r.height / 2) * scale;
        return { x: px - (px - v.x) * k, y: py - (py - v.y) * k, w: v.w * k, h: v.h * k };
      });
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const nodeIds = new Set(layout.nodes.map((n) => n.node.id));
  return (
    <div className="panel service-map">
      <h4>
        Service map{' '}
        <span className="muted small">
          {nodeIds.size} nodes · {edges.length} edges · wheel to zoom, drag to pan · border: errors (
          <span style={{ color: 'var(--ok)' }}>&lt;1%</span>, <span style={{ color: 'var(--warn)' }}>&lt;5%</span>,{' '}
          <span style={{ color: 'var(--error)' }}>≥5%</span>), width: requests/s
        </span>{' '}
        <button type="button" className="small-btn" onClick={() => setView(fit)} data-testid="map-fit">
          fit
        </button>
      </h4>
      <svg
        ref={svg}
        // No role="img": an image hides its content, and each service inside is a link.
        aria-label="service map"
        className="map-canvas"
        viewBox={`${view.x} ${view.y} ${view.w} ${view.h}`}
        width="100%"
        height={height}
        data-testid="service-map"
        onMouseDown={(e) => {
          drag.current = { x: e.clientX, y: e.clientY, view };
        }}
        onMouseMove={(e) => {
          const d = drag.current;
          const el = svg.current;
          if (!d || !el) return;
          const r = el.getBoundingClientRect();
          const scale = Math.max(d.view.w / r.width, d.view.h / r.height);
          setView({
            ...d.view,
            x: d.view.x - (e.clientX - d.x) * scale,
            y: d.view.y - (e.clientY - d.y) * scale,
          });
        }}
        onMouseUp={() => {
          drag.current = null;
        }}
        onMouseLeave={() => {
          drag.current = null;
        }}
      >
        <defs>
          <marker id="map-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" fill="var(--muted)" />
          </marker>
        </defs>
        {layout.edges.map((placed) => {
          let pe = placed;
          const e = pe.edge;
          const self = e.client === e.server ? layout.nodes.find((n) => n.node.id === e.client) : undefined;
          if (!pe.points.length && !self) return null;
          // A self-call is a loop over its node's top edge, its label above it.
          const d = self
            ? `M${self.x + self.width - 40},${self.y} C${self.x + self.width - 40},${self.y - 34} ${self.x + self.width - 4},${self.y - 34} ${self.x + self.width - 10},${self.y}`
            : pe.points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
          if (self) pe = { ...pe, label: { ...pe.label, x: self.x + self.width - 24, y: self.y - 34 } };
          const color = e.errorRatio >= 0.01 ? errorColor(e.errorRatio) : 'var(--muted)';
          const w = pe.label.text.length * 6.2;
          return (
            <g key={`${e.client}>${e.server}>${e.connectionType}`} data-testid="map-edge">
              <path d={d} fill="none" stroke={color} strokeWidth={1.3} markerEnd="url(#map-arrow)" />
              <rect
                x={pe.label.x - w / 2}
                y={pe.label.y - LABEL_HEIGHT / 2}
                width={w}
                height={LABEL_HEIGHT}
                rx={3}
                fill="var(--bg)"
                opacity={0.85}
              />
              <text
                x={pe.label.x}
                y={pe.label.y + 4}
                textAnchor="middle"
                className="map-edge-label"
                style={{ fill: color === 'var(--muted)' ? 'var(--muted)' : color }}
              >
                {pe.label.text}
              </text>
            </g>
          );
        })}
        {layout.nodes.map((p) => {
          const n = p.node;
          const color = errorColor(n.errorRatio);
          const label = n.id.length > 24 ? `${n.id.slice(0, 23)}…` : n.id;
          const body = (
            <>
              <rect
                width={p.width}
                height={p.height}
                rx={n.kind === 'database' ? 16 : 5}
                fill="var(--bg2)"
                stroke={color}
                strokeWidth={n.errorRatio >= 0.01 ? 3 : 1.5}
              />
              <text x={8} y={18} className="map-node-name">
                {label}
              </text>
              <text x={8} y={34} className="map-node-sub">
                {n.kind} · {fmtShort(n.requestRate)}/s · <tspan style={{ fill: color }}>{fmtPct(n.errorRatio)}</tspan>
              </text>
              <title>{`${n.id} (${n.kind})`}</title>
            </>
          );
          return (
            <g
              key={n.id}
              transform={`translate(${p.x},${p.y})`}
              data-testid="map-node"
              data-node={n.id}
              style={{ cursor: n.kind === 'service' ? 'pointer' : undefined }}
            >
              {n.kind === 'service' ? (
                <a
                  href={withParams({ service: n.id, op: undefined, sel: undefined }, '/services')}
                  onClick={linkClick as never}
                >
                  {body}
                </a>
              ) : (
                body
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
