// The trace view's tabs (waterfall, span table, statistics, flame graph) and its file actions.
import { linkClick, setParams } from '../router';
import { FlameGraph } from './FlameGraph';
import type { OtlpTracesData, Trace } from './model';
import { SpanTable, StatsTable } from './SpanTable';
import type { TimeWindow } from './zoom';
import './trace-tools.css';

export type TraceTab = 'waterfall' | 'table' | 'stats' | 'flame';
const TABS: [TraceTab, string][] = [
  ['waterfall', 'Waterfall'],
  ['table', 'Span table'],
  ['stats', 'Statistics'],
  ['flame', 'Flame graph'],
];

/** Saves the trace as an OTLP/JSON file (what the API served; it opens again with "Open file"). */
export function downloadTrace(trace: Trace, raw: OtlpTracesData): void {
  const blob = new Blob([JSON.stringify(raw)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `trace-${trace.traceId}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export function TraceTabs({
  tab,
  raw,
  trace,
  onHelp,
}: {
  tab: TraceTab;
  raw: OtlpTracesData | null;
  trace: Trace;
  onHelp: () => void;
}) {
  return (
    <div className="trace-tabs">
      <div role="tablist" aria-label="trace views">
        {TABS.map(([id, label], k) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            className={tab === id ? 'active' : ''}
            onClick={() => setParams({ tab: id === 'waterfall' ? undefined : id }, false)}
            title={`${label} (${k + 1})`}
            data-testid={`tab-${id}`}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="trace-actions">
        <a
          href={`/compare?a=${trace.traceId}`}
          onClick={linkClick}
          data-testid="compare-link"
          title="compare with another trace"
        >
          Compare…
        </a>
        <a href="/trace-file" onClick={linkClick} title="open a trace file without storing it">
          Open file…
        </a>
        {raw ? (
          <button type="button" onClick={() => downloadTrace(trace, raw)} data-testid="download-trace">
            Download JSON
          </button>
        ) : null}
        <button type="button" onClick={onHelp} aria-label="keyboard shortcuts" title="keyboard shortcuts (?)">
          ?
        </button>
      </div>
    </div>
  );
}

export function TabBody({
  tab,
  trace,
  selected,
  onSelect,
  win,
  onZoom,
}: {
  tab: TraceTab;
  trace: Trace;
  selected: number;
  onSelect: (i: number) => void;
  win: TimeWindow;
  onZoom: (w: TimeWindow) => void;
}) {
  if (tab === 'table') return <SpanTable trace={trace} selected={selected} onSelect={onSelect} />;
  if (tab === 'stats') return <StatsTable trace={trace} />;
  return <FlameGraph trace={trace} selected={selected} onSelect={onSelect} win={win} onZoom={onZoom} />;
}
