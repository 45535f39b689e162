// The series nearest the pointer stands out, the others fade: drawn on a canvas of its own over
// the plot. uPlot's built-in fading redraws every series of the plot each time the nearest series
// changes, which a sweep across 50 series of 1,440 points does nearly every frame (36-38 fps in
// bench:ui, software-rastered); here a change costs one veil and one path (60 fps).
import type uPlot from 'uplot';

/** How much of the other series shows through the veil (uPlot's `focus.alpha`). */
const FADED = 0.4;

export interface FocusLayer {
  /** Marks series `si` (uPlot index, >= 1), or none when null. */
  focus(si: number | null): void;
  /** Draws the current focus again (after the plot was redrawn or resized). */
  redraw(): void;
}

/** The colour behind the chart: the veil is painted in it, so faded lines look like translucent ones. */
export function backgroundOf(el: Element): string {
  for (let n: Element | null = el; n; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor;
    if (c && c !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(c)) return c;
  }
  return '#fff';
}

export function focusLayer(u: uPlot, background: string, strokeOf: (si: number) => string): FocusLayer {
  // Made at the first focus: a chart never hovered keeps one canvas.
  let canvas: HTMLCanvasElement | undefined;
  let focused: number | null = null;
  let row: Element | undefined;

  const draw = () => {
    if (!canvas) {
      if (focused === null) return;
      canvas = document.createElement('canvas');
      canvas.className = 'ts-focus';
      u.over.appendChild(canvas);
    }
    const { width, height, left, top } = u.bbox;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
      canvas.style.width = `${width / devicePixelRatio}px`;
      canvas.style.height = `${height / devicePixelRatio}px`;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    u.root.classList.toggle('ts-focused', focused !== null);
    if (focused === null || u.series[focused]?.show === false) return;
    ctx.globalAlpha = 1 - FADED;
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, width, height);
    ctx.globalAlpha = 1;
    const s = u.series[focused];
    const ys = u.data[focused];
    const xs = u.data[0];
    ctx.strokeStyle = strokeOf(focused);
    ctx.lineWidth = (typeof s.width === 'number' ? s.width : 1) * devicePixelRatio;
    ctx.setLineDash(s.dash ?? []);
    ctx.lineJoin = 'round';
    ctx.beginPath();
    let open = false;
    for (let i = 0; i < xs.length; i++) {
      const v = ys[i];
      if (v == null) {
        open = false;
        continue;
      }
      const x = u.valToPos(xs[i], 'x', true) - left;
      const y = u.valToPos(v, 'y', true) - top;
      if (open) ctx.lineTo(x, y);
      else {
        ctx.moveTo(x, y);
        // A value alone between gaps is a dot, as on the plot.
        if (ys[i + 1] == null) ctx.arc(x, y, 2.5 * devicePixelRatio, 0, 2 * Math.PI);
      }
      open = true;
    }
    ctx.stroke();
  };

  return {
    focus(si) {
      if (si === focused) return;
      focused = si;
      row?.classList.remove('ts-focus-row');
      row = si === null ? undefined : u.root.querySelectorAll('.u-legend .u-series')[si];
      row?.classList.add('ts-focus-row');
      draw();
    },
    redraw: draw,
  };
}
