// The traces behind a selected point or range of a RED chart, in a drawer at the right edge of
// the window (where the user is looking, whatever the scroll position): exemplars first, then
// a TraceQL search for the same service, operation and kind (errors, slow spans).
import { useEffect, useMemo, useState } from 'react';
import { type Exemplar, getJson, type TraceSummary } from '../../api';
import { Loading } from '../../components';
import { fmtDurNs, fmtTime, nsToMs } from '../../format';
import { linkClick, withParams } from '../../router';
import { clearSelection, type Selection, selectionQuery } from './selection';

interface Row {
  key: string;
  source: 'exemplar' | 'search';
  timeMs: number;
  traceId: string;
  spanId?: string;
  title: string;
  durationNs: number;
  error: boolean;
}

const SEARCH_LOOKBACK_S = 15;

type SortKey = 'source' | 'timeMs' | 'durationNs' | 'error';

function rowsOf(s: Selection, ex: Exemplar[], found: TraceSummary[]): Row[] {
  const rows: Row[] = ex
    .filter(
      (e) =>
        (s.focus !== 'errors' || e.statusCode === 'Error') &&
        (s.focus !== 'slow' || s.minSeconds === null || e.durationSeconds >= s.minSeconds),
    )
    .map((e) => ({
      key: `x${e.traceId}${e.spanId}`,
      source: 'exemplar',
      timeMs: nsToMs(e.timeUnixNano),
      traceId: e.traceId,
      spanId: e.spanId,
      title: `${e.service}: ${e.spanName}`,
      durationNs: e.durationSeconds * 1e9,
      error: e.statusCode === 'Error',
    }));
  const seen = new Set(rows.map((r) => r.traceId));
  for (const t of found) {
    if (seen.has(t.traceId)) continue;
    // The matched span is the one the chart counted; the trace's root names the request.
    const m = t.matchedSpans?.[0];
    rows.push({
      key: `s${t.traceId}`,
      source: 'search',
      timeMs: nsToMs(m?.startTimeUnixNano ?? t.startTimeUnixNano),
      traceId: t.traceId,
      spanId: m?.spanId,
      title: m ? `${m.serviceName}: ${m.name}` : `${t.rootServiceName}: ${t.rootSpanName}`,
      durationNs: Number(m?.durationNanos ?? t.durationNanos),
      error: m ? m.statusCode === 'Error' : t.errorCount > 0,
    });
  }
  return rows;
}

export function TracesDrawer({ sel }: { sel: Selection }) {
  const [ex, setEx] = useState<Exemplar[] | null>(null);
  const [found, setFound] = useState<TraceSummary[] | null>(null);
  const [error, setError] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean } | null>(null);
  const q = selectionQuery(sel);
  useEffect(() => {
    const ac = new AbortController();
    setEx(null);
    setFound(null);
    setError('');
    const range = { start: sel.from, end: sel.to };
    // Metrics count a span when it arrives, after it ended (and after the SDK's export delay):
    // the search for its start time reaches back a little before the selected range.
    const searchRange = { start: sel.from - SEARCH_LOOKBACK_S, end: sel.to };
    getJson<{ exemplars: Exemplar[] }>(
      '/api/v1/red/exemplars',
      { service: sel.service, spanName: sel.spanName ?? undefined, ...range },
      ac.signal,
    ).then(
      (r) => setEx(r.exemplars),
      () => setEx([]),
    );
    getJson<{ traces: TraceSummary[] }>(
      '/api/v1/search',
      { q, ...searchRange, limit: 50, recent: 'true' },
      ac.signal,
    ).then(
      (r) => setFound(r.traces),
      (e) => {
        if (ac.signal.aborted) return;
        setFound([]);
        setError(e.message);
      },
    );
    return () => ac.abort();
  }, [sel.service, sel.spanName, sel.from, sel.to, q]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && clearSelection();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const rows = useMemo(() => {
    const r = rowsOf(sel, ex ?? [], found ?? []);
    if (sort) {
      const dir = sort.desc ? -1 : 1;
      r.sort((a, b) => (a[sort.key] === b[sort.key] ? 0 : a[sort.key] > b[sort.key] ? dir : -dir));
    } else if (sel.focus === 'slow') r.sort((a, b) => (a.source === b.source ? b.durationNs - a.durationNs : 0));
    return r;
  }, [sel, ex, found, sort]);

  const head = (key: SortKey, label: string) => (
    <th>
      <button
        type="button"
        className="linkish"
        onClick={() => setSort({ key, desc: sort?.key === key ? !sort.desc : key !== 'source' })}
      >
        {label}
        {sort?.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
  const what = sel.focus === 'errors' ? 'Error traces' : sel.focus === 'slow' ? 'Slowest traces' : 'Traces';
  return (
    <aside className="drawer" data-testid="traces-drawer" aria-label="traces behind the selection">
      <header>
        <h3>
          {what} · {sel.service}
          {sel.spanName ? ` / ${sel.spanName}` : ''}
        </h3>
        <button type="button" className="small-btn" onClick={clearSelection} aria-label="close" title="close (Esc)">
          ✕
        </button>
      </header>
      <div className="muted small">
        {fmtTime(sel.from * 1000, true).slice(0, 19)} – {fmtTime(sel.to * 1000).slice(0, 8)} ·{' '}
        <code data-testid="drawer-query">{q}</code> ·{' '}
        <a
          href={`/traces?${new URLSearchParams({ q, start: String(sel.from), end: String(sel.to), recent: '1' })}`}
          onClick={linkClick}
        >
          open in search
        </a>
      </div>
      {ex === null || found === null ? <Loading what="traces" /> : null}
      {error ? <div className="err small">{error}</div> : null}
      <table className="list" data-testid="drawer-traces">
        <thead>
          <tr>
            {head('source', '')}
            {head('timeMs', 'time')}
            <th>span</th>
            {head('durationNs', 'duration')}
            {head('error', 'status')}
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-trace-id={r.traceId} data-error={r.error ? '1' : '0'}>
              <td>{r.source === 'exemplar' ? <span className="badge">exemplar</span> : null}</td>
              <td>{fmtTime(r.timeMs).slice(0, 8)}</td>
              <td>
                <a
                  href={`/trace/${r.traceId}${r.spanId ? `?span=${r.spanId}` : ''}`}
                  onClick={linkClick}
                  className="trace-link"
                >
                  {r.title}
                </a>
              </td>
              <td className="num">{fmtDurNs(r.durationNs)}</td>
              <td className={r.error ? 'err' : ''}>{r.error ? 'error' : 'ok'}</td>
              <td>
                <a href={`/logs?traceId=${r.traceId}`} onClick={linkClick} className="small">
                  logs
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {ex && found && !rows.length ? (
        <div className="muted">
          No {what.toLowerCase()} in that range.{' '}
          {sel.focus !== 'all' ? (
            <a href={withParams({ selFocus: undefined, selMin: undefined })} onClick={linkClick}>
              Show all traces
            </a>
          ) : null}
        </div>
      ) : null}
    </aside>
  );
}
