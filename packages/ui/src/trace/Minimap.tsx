import { useEffect, useRef } from 'react';
import { serviceColor } from './colors';
import type { Trace } from './model';
import type { TimeWindow } from './zoom';

const H = 56;
const ROW_H = 24;

/**
 * The whole trace on one canvas (one line per visible row) with the viewport and the zoom window
 * drawn over it. A click jumps there; a horizontal drag zooms into that time range.
 */
export function Minimap({
  trace,
  rows,
  scrollTop,
  viewH,
  win,
  onZoom,
  onJump,
}: {
  trace: Trace;
  rows: Int32Array;
  scrollTop: number;
  viewH: number;
  win: TimeWindow;
  onZoom: (w: TimeWindow) => void;
  onJump: (scrollTop: number) => void;
}) {
  const base = useRef<HTMLCanvasElement>(null);
  const over = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = base.current;
    if (!c) return;
    const w = c.clientWidth || 800;
    c.width = w;
    c.height = H;
    const g = c.getContext('2d');
    if (!g) return;
    g.clearRect(0, 0, w, H);
    const n = rows.length;
    const perPx = Math.max(1, n / H);
    for (let y = 0; y < Math.min(H, n); y++) {
      // one representative (longest) span per pixel row
      const from = Math.floor(y * perPx);
      const to = Math.min(n, Math.floor((y + 1) * perPx));
      let best = rows[from];
      for (let r = from; r < to; r++) if (trace.spans[rows[r]].duration > trace.spans[best].duration) best = rows[r];
      const s = trace.spans[best];
      const x = trace.duration ? (s.start / trace.duration) * w : 0;
      const bw = trace.duration ? Math.max(1, (s.duration / trace.duration) * w) : w;
      g.fillStyle = s.error ? '#d9534f' : serviceColor(s.service);
      g.fillRect(x, (y * H) / Math.min(H, n), bw, Math.max(1, H / Math.min(H, n) - 0.5));
    }
  }, [trace, rows]);
  useEffect(() => {
    const c = over.current;
    if (!c) return;
    const w = c.clientWidth || 800;
    c.width = w;
    c.height = H;
    const g = c.getContext('2d');
    if (!g) return;
    g.clearRect(0, 0, w, H);
    const total = rows.length * ROW_H || 1;
    const y0 = (scrollTop / total) * H;
    const y1 = Math.min(H, ((scrollTop + viewH) / total) * H);
    g.fillStyle = 'rgba(120,120,120,0.25)';
    g.fillRect(0, y0, w, Math.max(2, y1 - y0));
    g.strokeStyle = 'rgba(120,120,120,0.8)';
    g.strokeRect(0.5, y0 + 0.5, w - 1, Math.max(2, y1 - y0) - 1);
    // Outside the zoom window is shaded.
    if (trace.duration && (win.from > 0 || win.to < trace.duration)) {
      const x0 = (win.from / trace.duration) * w;
      const x1 = (win.to / trace.duration) * w;
      g.fillStyle = 'rgba(0,0,0,0.28)';
      g.fillRect(0, 0, x0, H);
      g.fillRect(x1, 0, w - x1, H);
    }
  }, [rows, scrollTop, viewH, win, trace.duration]);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a pointer shortcut; the waterfall scrolls by keyboard
    <div
      className="minimap"
      data-testid="minimap"
      onMouseDown={(e) => {
        e.preventDefault();
        const rect = e.currentTarget.getBoundingClientRect();
        const x0 = e.clientX;
        const fx = (x: number) => Math.min(1, Math.max(0, (x - rect.left) / rect.width)) * trace.duration;
        const up = (m: MouseEvent) => {
          removeEventListener('mouseup', up);
          if (Math.abs(m.clientX - x0) > 4)
            onZoom({ from: fx(Math.min(x0, m.clientX)), to: fx(Math.max(x0, m.clientX)) });
          else onJump(Math.max(0, ((e.clientY - rect.top) / rect.height) * rows.length * ROW_H - viewH / 2));
        };
        addEventListener('mouseup', up);
      }}
      title="click to jump there; drag across to zoom into a time range"
    >
      <canvas ref={base} />
      <canvas ref={over} />
    </div>
  );
}
