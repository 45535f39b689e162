// The keyboard shortcuts of the trace view ("?").
import { useEffect, useRef } from 'react';

export const TRACE_KEYS: [string, string][] = [
  ['/', 'find in the trace'],
  ['n / N', 'next / previous match (scrolls to it)'],
  ['j / k', 'next / previous span'],
  ['Esc', 'close the span details (or this help)'],
  ['+ / -', 'zoom in / out'],
  ['← / →', 'move the zoomed window earlier / later'],
  ['z', 'zoom to the selected span'],
  ['0', 'whole trace'],
  ['1 2 3 4', 'waterfall, span table, statistics, flame graph'],
  ['?', 'this help'],
];

export function KeyHelp({ onClose }: { onClose: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: Esc closes it (handled by the trace view)
    // biome-ignore lint/a11y/noStaticElementInteractions: the backdrop closes on click
    <div className="overlay" onClick={onClose}>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: only stops the backdrop's click */}
      <div
        className="key-help"
        role="dialog"
        aria-modal="true"
        aria-label="keyboard shortcuts"
        tabIndex={-1}
        ref={box}
        data-testid="key-help"
        onClick={(e) => e.stopPropagation()}
      >
        <div className="details-head">
          <h3>Keyboard shortcuts</h3>
          <button type="button" onClick={onClose} aria-label="close help">
            ✕
          </button>
        </div>
        <table className="kv">
          <tbody>
            {TRACE_KEYS.map(([k, what]) => (
              <tr key={k}>
                <th>
                  <kbd>{k}</kbd>
                </th>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small">
          Drag on the ruler or the minimap to zoom into a time range; double-click the ruler for the whole trace.
        </p>
      </div>
    </div>
  );
}
