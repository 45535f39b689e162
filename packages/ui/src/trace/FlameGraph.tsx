// The trace as a flame graph (icicle): time across, depth down, one canvas, so 100k spans draw
// in one pass. Click a span to select it; the zoom window is the waterfall's.
import { useEffect, useMemo, useRef, useState } from 'react';
import { fmtDurNs } from '../format';
import { serviceColor } from './colors';
import type { Trace } from './model';
import type { TimeWindow } from './zoom';

const LEVEL_H = 18;
const MAX_LEVELS = 200;

export function FlameGraph({
  trace,
  selected,
  onSelect,
  win,
}: {
  trace: Trace;
  selected: number;
  onSelect: (i: number) => void;
  win: TimeWindow;
  onZoom: (w: TimeWindow) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(1000);
  const [hover, setHover] = useState<number>(-1);
  const byDepth = useMemo(() => {
    const levels: number[][] = [];
    for (const s of trace.spans) {
      const d = Math.min(s.depth, MAX_LEVELS - 1);
      if (!levels[d]) levels[d] = [];
      levels[d].push(s.index);
    }
    return levels;
  }, [trace]);
  const height = byDepth.length * LEVEL_H;
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const ro = new ResizeObserver(() => setWidth(c.clientWidth));
    ro.observe(c);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    const c = canvas.current;
    const g = c?.getContext('2d');
    if (!c || !g) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = width * dpr;
    c.height = height * dpr;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    const len = win.to - win.from || 1;
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    byDepth.forEach((level, d) => {
      for (const i of level) {
        const s = trace.spans[i];
        const x0 = ((s.start - win.from) / len) * width;
        const x1 = ((s.start + s.duration - win.from) / len) * width;
        if (x1 < 0 || x0 > width) continue;
        const x = Math.max(0, x0);
        const w = Math.max(1, Math.min(width, x1) - x);
        g.fillStyle = s.error ? '#d64545' : serviceColor(s.service);
        g.fillRect(x, d * LEVEL_H, w - (w > 2 ? 1 : 0), LEVEL_H - 1);
        if (i === selected || i === hover) {
          g.strokeStyle = i === selected ? '#000' : '#555';
          g.lineWidth = 2;
          g.strokeRect(x + 1, d * LEVEL_H + 1, w - 2, LEVEL_H - 3);
        }
        if (w > 40) {
          g.fillStyle = '#111';
          g.save();
          g.beginPath();
          g.rect(x, d * LEVEL_H, w - 2, LEVEL_H);
          g.clip();
          g.fillText(`${s.name} ${fmtDurNs(s.duration)}`, x + 3, d * LEVEL_H + LEVEL_H / 2);
          g.restore();
        }
      }
    });
  }, [trace, byDepth, width, height, win, selected, hover]);
  const hit = (e: React.MouseEvent<HTMLCanvasElement>): number => {
    const r = e.currentTarget.getBoundingClientRect();
    const d = Math.floor((e.clientY - r.top) / LEVEL_H);
    const t = win.from + ((e.clientX - r.left) / r.width) * (win.to - win.from);
    for (const i of byDepth[d] ?? []) {
      const s = trace.spans[i];
      if (t >= s.start && t <= s.start + Math.max(s.duration, ((win.to - win.from) / r.width) * 2)) return i;
    }
    return -1;
  };
  const h = hover >= 0 ? trace.spans[hover] : null;
  return (
    <div className="flame" data-testid="flame-graph">
      <div className="muted small flame-hover">
        {h ? `${h.service}: ${h.name} · ${fmtDurNs(h.duration)}` : 'Click a span to select it.'}
      </div>
      <canvas
        ref={canvas}
        style={{ width: '100%', height }}
        onMouseMove={(e) => setHover(hit(e))}
        onMouseLeave={() => setHover(-1)}
        onClick={(e) => {
          const i = hit(e);
          if (i >= 0) onSelect(i);
        }}
        role="img"
        aria-label={`flame graph of ${trace.spans.length} spans`}
      />
    </div>
  );
}
