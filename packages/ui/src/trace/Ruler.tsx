// The time ruler over the waterfall: ticks of the visible window, drag to zoom into a range,
// double-click to see the whole trace.
import { useRef, useState } from 'react';
import { fmtDurNs } from '../format';
import { type TimeWindow, ticks } from './zoom';

export function Ruler({
  win,
  onZoom,
  onReset,
  nameWidth,
}: {
  win: TimeWindow;
  onZoom: (w: TimeWindow) => void;
  onReset: () => void;
  /** Width of the name column, so ticks line up with the bars. */
  nameWidth: string;
}) {
  const area = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const frac = (clientX: number) => {
    const r = area.current!.getBoundingClientRect();
    return Math.min(1, Math.max(0, (clientX - r.left) / r.width));
  };
  const len = win.to - win.from;
  return (
    <div className="ruler" data-testid="ruler">
      <div className="ruler-name" style={{ width: nameWidth }}>
        <span className="muted small" data-testid="visible-range">
          {fmtDurNs(win.from)} – {fmtDurNs(win.to)}
        </span>
      </div>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: pointer zoom; the keyboard has + - 0 and arrows */}
      <div
        className="ruler-ticks"
        ref={area}
        onMouseDown={(e) => {
          e.preventDefault();
          const a = frac(e.clientX);
          setDrag({ a, b: a });
          const move = (m: MouseEvent) => setDrag({ a, b: frac(m.clientX) });
          const up = (m: MouseEvent) => {
            removeEventListener('mousemove', move);
            removeEventListener('mouseup', up);
            setDrag(null);
            const b = frac(m.clientX);
            if (Math.abs(b - a) > 0.005)
              onZoom({ from: win.from + Math.min(a, b) * len, to: win.from + Math.max(a, b) * len });
          };
          addEventListener('mousemove', move);
          addEventListener('mouseup', up);
        }}
        onDoubleClick={onReset}
        title="drag to zoom into a range; double-click for the whole trace"
      >
        {ticks(win, 6).map((t) => (
          <span key={t} className="tick" style={{ left: `${((t - win.from) / (len || 1)) * 100}%` }}>
            {fmtDurNs(t)}
          </span>
        ))}
        {drag ? (
          <span
            className="ruler-sel"
            style={{ left: `${Math.min(drag.a, drag.b) * 100}%`, width: `${Math.abs(drag.b - drag.a) * 100}%` }}
          />
        ) : null}
      </div>
    </div>
  );
}
