import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, type Decision, getJson, getJsonWithHeaders, type LogLine } from '../api';
import { Loading, Problem } from '../components';
import { fmtDurNs, fmtTime } from '../format';
import { linkClick, setParams, withParams } from '../router';
import { serviceColor } from './colors';
import { Minimap } from './Minimap';
import { ancestors, buildTrace, criticalPath, findSpans, type OtlpTracesData, type Trace, visibleRows } from './model';
import { SpanDetails } from './SpanDetails';

export const ROW_H = 24;
const OVERSCAN = 8;

export function TraceView({ traceId, params }: { traceId: string; params: URLSearchParams }) {
  const [trace, setTrace] = useState<Trace | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [decision, setDecision] = useState<Decision | 'none' | null>(null);
  const [logs, setLogs] = useState<LogLine[] | null>(null);
  /** Spans the trace has when the server sent only the first query.maxTraceSpans of them. */
  const [spanTotal, setSpanTotal] = useState<number | null>(null);

  useEffect(() => {
    const ac = new AbortController();
    setTrace(null);
    setError(null);
    setDecision(null);
    setLogs(null);
    const t0 = performance.now();
    setSpanTotal(null);
    getJsonWithHeaders<OtlpTracesData>(`/api/v1/traces/${encodeURIComponent(traceId)}`, {}, ac.signal)
      .then(({ body: data, headers }) => {
        const t = buildTrace(data);
        if (headers.get('x-trace-next-offset')) setSpanTotal(Number(headers.get('x-trace-span-total')));
        (window as unknown as { __traceBuildMs?: number }).__traceBuildMs = performance.now() - t0;
        setTrace(t);
        const startS = Number(t.startNs / 1_000_000_000n);
        const endS = Math.ceil(startS + t.duration / 1e9);
        getJson<{ logs: LogLine[] }>(
          '/api/v1/logs',
          { traceId, start: startS - 300, end: endS + 300, limit: 1000 },
          ac.signal,
        ).then(
          (r) => setLogs(r.logs),
          () => setLogs([]),
        );
      })
      .catch((e) => {
        if (!ac.signal.aborted) setError(e);
      });
    // A pending decision is asked again every 5 s (a decision, once made, never changes).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const askDecision = (left: number) =>
      getJson<Decision>(`/api/v1/traces/${encodeURIComponent(traceId)}/decision`, {}, ac.signal).then(
        (d) => {
          setDecision(d);
          if (d.decision === 'pending' && left > 0) timer = setTimeout(() => askDecision(left - 1), 5000);
        },
        () => !ac.signal.aborted && setDecision('none'),
      );
    askDecision(24);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [traceId]);

  if (error) {
    if (error instanceof ApiError && error.status === 404)
      return (
        <Problem title={`Trace ${traceId} not found`}>
          It is neither kept nor in the recent full-fidelity window. Traces that were sampled out leave the recent
          window after its retention.{' '}
          <a href="/traces" onClick={linkClick}>
            Search traces
          </a>
        </Problem>
      );
    return <Problem title="Could not load the trace">{error.message}</Problem>;
  }
  if (!trace) return <Loading what={`trace ${traceId}`} />;
  const waterfall = <Waterfall trace={trace} params={params} decision={decision} logs={logs} />;
  if (spanTotal === null) return waterfall;
  return (
    <>
      <div className="banner" role="status" data-testid="trace-capped">
        This trace has {spanTotal.toLocaleString()} spans; the first {trace.spans.length.toLocaleString()} by start time
        are shown (query.maxTraceSpans). Spans whose parent is not among them show as roots.
      </div>
      {waterfall}
    </>
  );
}

function Waterfall({
  trace,
  params,
  decision,
  logs,
}: {
  trace: Trace;
  params: URLSearchParams;
  decision: Decision | 'none' | null;
  logs: LogLine[] | null;
}) {
  const spanParam = params.get('span') ?? '';
  const selected = spanParam ? (trace.byId.get(spanParam) ?? -1) : -1;
  const find = params.get('find') ?? '';
  const showCp = params.get('cp') === '1';
  const matchesOnly = params.get('only') === '1';
  const [collapsed, setCollapsed] = useState<Set<number>>(() => {
    const s = new Set<number>();
    for (const id of (params.get('collapsed') ?? '').split(',')) {
      const i = trace.byId.get(id);
      if (i !== undefined) s.add(i);
    }
    return s;
  });
  const [findText, setFindText] = useState(find);
  useEffect(() => setFindText(find), [find]);
  const matches = useMemo(() => findSpans(trace, find), [trace, find]);
  const matchSet = useMemo(() => new Set(matches), [matches]);
  const cp = useMemo(() => (showCp ? criticalPath(trace) : null), [trace, showCp]);
  const rows = useMemo(() => {
    const all = visibleRows(trace, collapsed);
    if (!matchesOnly || !find) return all;
    return Int32Array.from(matches);
  }, [trace, collapsed, matchesOnly, find, matches]);
  const logsBySpan = useMemo(() => {
    const m = new Map<string, LogLine[]>();
    for (const l of logs ?? []) {
      if (!l.spanId) continue;
      const list = m.get(l.spanId);
      if (list) list.push(l);
      else m.set(l.spanId, [l]);
    }
    return m;
  }, [logs]);

  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewH, setViewH] = useState(600);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewH(el.clientHeight));
    ro.observe(el);
    setViewH(el.clientHeight);
    return () => ro.disconnect();
  }, []);
  const raf = useRef(0);
  const onScroll = useCallback(() => {
    cancelAnimationFrame(raf.current);
    raf.current = requestAnimationFrame(() => setScrollTop(scroller.current?.scrollTop ?? 0));
  }, []);

  const rowOf = useCallback(
    (spanIndex: number) => {
      for (let r = 0; r < rows.length; r++) if (rows[r] === spanIndex) return r;
      return -1;
    },
    [rows],
  );
  const scrollToSpan = useCallback(
    (i: number) => {
      const el = scroller.current;
      if (!el) return;
      const r = rowOf(i);
      if (r < 0) return;
      const y = r * ROW_H;
      if (y < el.scrollTop || y > el.scrollTop + el.clientHeight - ROW_H * 2) {
        el.scrollTop = Math.max(0, y - el.clientHeight / 3);
        setScrollTop(el.scrollTop);
      }
    },
    [rowOf],
  );

  /** Opens every collapsed ancestor of a span so it becomes visible. */
  const reveal = useCallback(
    (i: number) => {
      const anc = ancestors(trace, i);
      if (anc.some((a) => collapsed.has(a))) {
        setCollapsed((c) => {
          const n = new Set(c);
          for (const a of anc) n.delete(a);
          return n;
        });
      }
    },
    [trace, collapsed],
  );

  // Selecting a span (from the URL or a click) reveals and scrolls to it.
  const pendingScroll = useRef<number>(selected);
  useEffect(() => {
    if (selected >= 0) {
      reveal(selected);
      pendingScroll.current = selected;
    }
  }, [selected, reveal]);
  useEffect(() => {
    if (pendingScroll.current >= 0 && rowOf(pendingScroll.current) >= 0) {
      scrollToSpan(pendingScroll.current);
      pendingScroll.current = -1;
    }
  }, [rowOf, scrollToSpan]);

  const select = (i: number) => setParams({ span: i >= 0 ? trace.spans[i].spanId : undefined }, false);
  const matchPos = selected >= 0 ? matches.indexOf(selected) : -1;
  const gotoMatch = (dir: 1 | -1) => {
    if (!matches.length) return;
    let k: number;
    if (matchPos >= 0) k = (matchPos + dir + matches.length) % matches.length;
    else if (dir === 1)
      k = Math.max(
        0,
        matches.findIndex((m) => m > selected),
      );
    else k = matches.length - 1;
    const i = matches[k];
    reveal(i);
    pendingScroll.current = i;
    setParams({ span: trace.spans[i].spanId });
  };
  const gotoRef = useRef(gotoMatch);
  gotoRef.current = gotoMatch;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA') return;
      if (e.key === 'n') gotoRef.current(1);
      else if (e.key === 'N') gotoRef.current(-1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const saveCollapsed = (c: Set<number>) => {
    setCollapsed(c);
    const ids = [...c].slice(0, 40).map((i) => trace.spans[i].spanId);
    setParams({ collapsed: ids.join(',') || undefined });
  };
  const toggle = (i: number) => {
    const n = new Set(collapsed);
    if (n.has(i)) n.delete(i);
    else n.add(i);
    saveCollapsed(n);
  };
  const selectRef = useRef(select);
  selectRef.current = select;
  const toggleRef = useRef(toggle);
  toggleRef.current = toggle;
  const collapseToDepth = (d: number) => {
    const n = new Set<number>();
    for (const s of trace.spans) if (s.depth === d && s.children.length) n.add(s.index);
    saveCollapsed(n);
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewH) / ROW_H) + OVERSCAN);
  const root = trace.spans[0];
  const errors = useMemo(() => trace.spans.reduce((n, s) => n + (s.error ? 1 : 0), 0), [trace]);
  const startMs = Number(trace.startNs / 1_000_000n);

  const items = [];
  for (let r = first; r < last; r++) {
    const i = rows[r];
    items.push(
      <Row
        key={i}
        trace={trace}
        i={i}
        r={r}
        selected={i === selected}
        match={matchSet.has(i)}
        cp={cp ? (cp.has(i) ? 1 : -1) : 0}
        collapsed={collapsed.has(i)}
        logs={logsBySpan.get(trace.spans[i].spanId)}
        onSelect={selectRef}
        onToggle={toggleRef}
      />,
    );
  }

  return (
    <div className="trace-view">
      <div className="trace-head">
        <div>
          <h2>
            <span className="svc-dot" style={{ background: serviceColor(root.service) }} /> {root.service}: {root.name}
          </h2>
          <div className="muted small">
            <code data-testid="trace-id">{trace.traceId}</code> · {fmtTime(startMs, true)} ·{' '}
            <b>{fmtDurNs(trace.duration)}</b> · <span data-testid="span-count">{trace.spans.length}</span> spans ·{' '}
            {trace.services.length} services · {errors ? <span className="err">{errors} errors</span> : 'no errors'} ·{' '}
            {logs ? `${logs.length} logs` : 'logs…'}
          </div>
        </div>
        <DecisionBadge decision={decision} />
      </div>
      <div className="trace-tools">
        <form
          className="find"
          onSubmit={(e) => {
            e.preventDefault();
            if (findText !== find) setParams({ find: findText || undefined });
            else gotoMatch(1);
          }}
        >
          <input
            aria-label="find in trace"
            placeholder="Find: text, key=value, span id"
            value={findText}
            onChange={(e) => setFindText(e.target.value)}
            onBlur={() => findText !== find && setParams({ find: findText || undefined })}
          />
          <span className="match-count" data-testid="match-count">
            {find ? `${matchPos >= 0 ? matchPos + 1 : '-'} of ${matches.length}` : ''}
          </span>
          <button type="button" onClick={() => gotoMatch(-1)} disabled={!matches.length} title="previous (N)">
            ↑
          </button>
          <button type="button" onClick={() => gotoMatch(1)} disabled={!matches.length} title="next (n)">
            ↓
          </button>
          <label>
            <input
              type="checkbox"
              checked={matchesOnly}
              onChange={(e) => setParams({ only: e.target.checked ? '1' : undefined })}
            />{' '}
            matches only
          </label>
        </form>
        <label>
          <input
            type="checkbox"
            checked={showCp}
            onChange={(e) => setParams({ cp: e.target.checked ? '1' : undefined })}
            aria-label="critical path"
          />{' '}
          critical path
        </label>
        <button type="button" onClick={() => saveCollapsed(new Set())}>
          expand all
        </button>
        <button type="button" onClick={() => collapseToDepth(1)}>
          collapse to depth 1
        </button>
        <button type="button" onClick={() => collapseToDepth(2)}>
          depth 2
        </button>
      </div>
      <Minimap
        trace={trace}
        rows={rows}
        scrollTop={scrollTop}
        viewH={viewH}
        onJump={(y) => {
          if (scroller.current) scroller.current.scrollTop = y;
        }}
      />
      <div className="trace-body">
        <div className="wf-scroll" ref={scroller} onScroll={onScroll} data-testid="waterfall">
          <div className="wf-inner" style={{ height: rows.length * ROW_H }}>
            {items}
          </div>
        </div>
        {selected >= 0 ? (
          <SpanDetails
            trace={trace}
            index={selected}
            logs={logsBySpan.get(trace.spans[selected].spanId) ?? []}
            logsLoaded={logs !== null}
            onSelect={(i) => {
              reveal(i);
              pendingScroll.current = i;
              select(i);
            }}
            onClose={() => select(-1)}
          />
        ) : spanParam ? (
          <div className="banner" role="alert">
            Span {spanParam} is not in this trace.{' '}
            <a href={withParams({ span: undefined })} onClick={linkClick}>
              dismiss
            </a>
          </div>
        ) : null}
      </div>
    </div>
  );
}

interface RowProps {
  trace: Trace;
  i: number;
  r: number;
  selected: boolean;
  match: boolean;
  /** 1 on the critical path, -1 off it, 0 when the overlay is off. */
  cp: number;
  collapsed: boolean;
  logs: LogLine[] | undefined;
  onSelect: { current: (i: number) => void };
  onToggle: { current: (i: number) => void };
}

/** One waterfall row; memoised so scrolling re-renders only the rows that enter the window. */
const Row = memo(function Row({ trace, i, r, selected, match, cp, collapsed, logs, onSelect, onToggle }: RowProps) {
  const s = trace.spans[i];
  const left = trace.duration ? (s.start / trace.duration) * 100 : 0;
  const width = trace.duration ? Math.max((s.duration / trace.duration) * 100, 0.15) : 100;
  const cls = [
    'wf-row',
    selected ? 'selected' : '',
    match ? 'match' : '',
    cp === -1 ? 'dim' : '',
    cp === 1 ? 'critical' : '',
    s.error ? 'error' : '',
  ].join(' ');
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: rows are also reachable through find and n/N
    // biome-ignore lint/a11y/noStaticElementInteractions: a virtualised row; see above
    <div
      className={cls}
      style={{ transform: `translateY(${r * ROW_H}px)` }}
      data-span-id={s.spanId}
      onClick={() => onSelect.current(i)}
    >
      <div className="wf-name" style={{ paddingLeft: 6 + Math.min(s.depth, 40) * 12 }}>
        {s.children.length ? (
          <button
            type="button"
            className="wf-toggle"
            aria-label={collapsed ? 'expand' : 'collapse'}
            onClick={(e) => {
              e.stopPropagation();
              onToggle.current(i);
            }}
          >
            {collapsed ? '▸' : '▾'}
          </button>
        ) : (
          <span className="wf-toggle" />
        )}
        <span className="svc-dot" style={{ background: serviceColor(s.service) }} />
        <span className="wf-svc">{s.service}</span> <span className="wf-op">{s.name}</span>
        {collapsed ? <span className="wf-hidden">+{countDescendants(trace, i)}</span> : null}
      </div>
      <div className="wf-timeline">
        <div
          className="wf-bar"
          style={{
            left: `${left}%`,
            width: `${width}%`,
            background: s.error ? 'var(--error)' : serviceColor(s.service),
          }}
        />
        {logs?.map((l, k) => {
          const at = trace.duration ? (Number(BigInt(l.timeUnixNano) - trace.startNs) / trace.duration) * 100 : left;
          return (
            <span
              // biome-ignore lint/suspicious/noArrayIndexKey: markers have no identity of their own
              key={k}
              className={`wf-log sev-${l.severityNumber >= 17 ? 'error' : l.severityNumber >= 13 ? 'warn' : 'info'}`}
              style={{ left: `${Math.min(Math.max(at, 0), 100)}%` }}
              title={`log: ${typeof l.body === 'string' ? l.body : ''}`}
            />
          );
        })}
        <span className="wf-dur" style={durStyle(left, width)}>
          {fmtDurNs(s.duration)}
        </span>
      </div>
    </div>
  );
});

/** The duration label goes after the bar, before it when the bar ends near the edge, else inside. */
function durStyle(left: number, width: number): React.CSSProperties {
  if (left + width <= 85) return { left: `${left + width}%` };
  if (left >= 15) return { right: `${100 - left}%`, marginRight: 4 };
  return { left: `${left}%`, color: '#fff', textShadow: '0 0 2px #000' };
}

function countDescendants(trace: Trace, i: number): number {
  const d = trace.spans[i].depth;
  let j = i + 1;
  while (j < trace.spans.length && trace.spans[j].depth > d) j++;
  return j - i - 1;
}

function DecisionBadge({ decision }: { decision: Decision | 'none' | null }) {
  if (decision === null) return <div className="decision muted">sampling decision…</div>;
  if (decision === 'none')
    return (
      <div className="decision muted" data-testid="decision">
        no sampling decision recorded
      </div>
    );
  return (
    <div className={`decision d-${decision.decision}`} data-testid="decision">
      <b>{decision.decision === 'keep' ? 'kept' : decision.decision === 'drop' ? 'dropped' : 'pending'}</b>
      {decision.rule ? <> · rule {decision.rule}</> : null}
      {decision.reason ? <div className="small">{decision.reason}</div> : null}
      {decision.adjustedCount ? <div className="small">represents {decision.adjustedCount} traces</div> : null}
    </div>
  );
}
