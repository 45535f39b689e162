import { useEffect, useRef, useState } from 'react';
import { bodyText, getJson, type LogLine } from '../api';
import { HowToSend, Loading } from '../components';
import { RequestProblem } from '../errors';
import { fmtTime, SEVERITIES, SEVERITY_MIN, severityClass, timeRange } from '../format';
import { LogDetails } from '../logs/LogDetails';
import { fetchLogPage, logKey } from '../logs/paging';
import { linkClick, setParams } from '../router';
import { StackedBars } from './charts';
import { TimeRangePicker } from './TimeRange';

const SEV_COLORS: Record<string, string> = {
  trace: '#9aa3b2',
  debug: '#6c8ebf',
  info: '#2f80ed',
  warn: '#e0a100',
  error: '#d64545',
  fatal: '#8b0000',
};

interface Histogram {
  step: number;
  buckets: ({ t: number } & Record<string, number>)[];
}

const PAGE = 200;

export function LogsView({ params }: { params: URLSearchParams }) {
  const q = params.get('q') ?? '';
  const service = params.get('service') ?? '';
  const sev = params.get('sev') ?? '';
  const attrs = params.getAll('attr');
  const traceId = params.get('traceId') ?? '';
  const spanId = params.get('spanId') ?? '';
  const live = params.get('live') === '1';
  const [paused, setPaused] = useState(false);
  const [logs, setLogs] = useState<LogLine[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [more, setMore] = useState<'idle' | 'loading' | Error>('idle');
  const [open, setOpen] = useState<LogLine | null>(null);
  const [hist, setHist] = useState<Histogram | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [tick, setTick] = useState(0);
  const attrText = attrs.join(' ');
  const [form, setForm] = useState({ q, service, attr: attrText });
  useEffect(() => setForm({ q, service, attr: attrText }), [q, service, attrText]);

  const range = timeRange(params);
  const filters = {
    q,
    service,
    severityMin: sev ? SEVERITY_MIN[sev] : undefined,
    attr: attrs,
    traceId,
    spanId,
    start: range.start,
    end: range.end,
  };
  // A trace's logs may be older than the default hour: without an explicit range, widen to the
  // last week for trace/span filters (links from a trace carry the trace's own range).
  if (traceId && !(params.get('start') && params.get('end'))) {
    filters.start = Math.floor(Date.now() / 1000) - 7 * 86400;
    filters.end = Math.floor(Date.now() / 1000) + 60;
  }
  const key = JSON.stringify({
    ...filters,
    start: undefined,
    end: undefined,
    r: params.get('since'),
    s: params.get('start'),
    e: params.get('end'),
    tick,
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: key lists the inputs
  useEffect(() => {
    const ac = new AbortController();
    if (!tick) setLogs(null);
    setError(null);
    fetchLogPage(filters, PAGE, null, ac.signal).then(
      (r) => {
        setLogs(r.logs);
        setNextCursor(r.nextCursor);
        setMore('idle');
      },
      (e) => !ac.signal.aborted && setError(e),
    );
    getJson<Histogram>('/api/v1/logs/histogram', filters, ac.signal).then(
      (h) => setHist(h),
      () => setHist(null),
    );
    return () => ac.abort();
  }, [key]);

  useEffect(() => {
    if (!live || paused) return;
    const t = setInterval(() => setTick((n) => n + 1), 2000);
    return () => clearInterval(t);
  }, [live, paused]);

  // Without the histogram API, bucket what was fetched.
  const histogram = hist ?? (logs ? localHistogram(logs, range.start, range.end) : null);
  // The histogram counts every match in the range: the list says how much of it it shows.
  const total = hist ? hist.buckets.reduce((n, b) => n + SEVERITIES.reduce((m, s) => m + (b[s] ?? 0), 0), 0) : null;
  const loadMore = () => {
    if (!nextCursor || more === 'loading') return;
    setMore('loading');
    fetchLogPage(filters, PAGE, nextCursor).then(
      (r) => {
        setLogs((l) => [...(l ?? []), ...r.logs]);
        setNextCursor(r.nextCursor);
        setMore('idle');
      },
      (e) => setMore(e),
    );
  };

  return (
    <div>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          const p = new URLSearchParams(location.search);
          p.delete('attr');
          for (const a of form.attr.split(/\s+/).filter((x) => x.includes('='))) p.append('attr', a);
          if (form.q) p.set('q', form.q);
          else p.delete('q');
          if (form.service) p.set('service', form.service);
          else p.delete('service');
          history.pushState(null, '', `/logs?${p}`);
          dispatchEvent(new PopStateEvent('popstate'));
        }}
      >
        <input
          aria-label="search text"
          data-testid="logs-q"
          placeholder="text in the body"
          value={form.q}
          onChange={(e) => setForm({ ...form, q: e.target.value })}
          style={{ width: 260 }}
        />
        <input
          aria-label="service"
          placeholder="service"
          value={form.service}
          onChange={(e) => setForm({ ...form, service: e.target.value })}
        />
        <input
          aria-label="attributes"
          placeholder="attributes key=value …"
          value={form.attr}
          onChange={(e) => setForm({ ...form, attr: e.target.value })}
        />
        <select aria-label="minimum severity" value={sev} onChange={(e) => setParams({ sev: e.target.value }, false)}>
          <option value="">any severity</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              ≥ {s}
            </option>
          ))}
        </select>
        <TimeRangePicker params={params} />
        <button type="submit">Search</button>
        <label>
          <input
            type="checkbox"
            checked={live}
            onChange={(e) => setParams({ live: e.target.checked ? '1' : undefined })}
            data-testid="live"
          />{' '}
          live tail
        </label>
        {live ? (
          <button type="button" onClick={() => setPaused(!paused)} data-testid="pause">
            {paused ? '▶ resume' : '⏸ pause'}
          </button>
        ) : null}
      </form>
      {traceId ? (
        <div className="toolbar">
          <span>
            Logs of trace{' '}
            <a href={`/trace/${traceId}${spanId ? `?span=${spanId}` : ''}`} onClick={linkClick}>
              <code>{traceId}</code>
            </a>
            {spanId ? (
              <>
                {' '}
                span <code>{spanId}</code>
              </>
            ) : null}
          </span>
          <button type="button" onClick={() => setParams({ traceId: undefined, spanId: undefined }, false)}>
            clear
          </button>
        </div>
      ) : null}
      {histogram?.buckets.length ? (
        <StackedBars
          testid="severity-histogram"
          times={histogram.buckets.map((b) => b.t * 1000)}
          series={SEVERITIES.map((s) => ({
            name: s,
            color: SEV_COLORS[s],
            values: histogram.buckets.map((b) => b[s] ?? 0),
          }))}
        />
      ) : null}
      {error ? (
        <RequestProblem title="Log query failed" error={error} />
      ) : logs === null ? (
        <Loading what="logs" />
      ) : logs.length === 0 ? (
        q || service || sev || attrs.length || traceId ? (
          <div className="empty">No log line matches these filters in the time range.</div>
        ) : (
          <HowToSend what="logs in this time range" />
        )
      ) : (
        <div className="logs-layout">
          <div className="log-list" data-testid="log-list">
            <div className="muted small" data-testid="log-count">
              showing {logs.length}
              {total !== null && total >= logs.length ? ` of ${total}` : nextCursor ? '+' : ''} lines
              {live ? (paused ? ' · paused' : ' · live') : ''}
            </div>
            {logs.map((l) => (
              <LogRow key={logKey(l)} l={l} open={open === l} onOpen={() => setOpen(open === l ? null : l)} />
            ))}
            <PageFoot shown={logs.length} total={total} more={more} hasMore={nextCursor !== null} onMore={loadMore} />
          </div>
          {open ? <LogDetails log={open} params={params} onClose={() => setOpen(null)} /> : null}
        </div>
      )}
    </div>
  );
}

/** The end of a paged list: "showing N of M" and the rest, loaded on demand or on scroll. */
export function PageFoot({
  shown,
  total,
  more,
  hasMore,
  onMore,
  label = 'older',
  auto = true,
}: {
  shown: number;
  total: number | null;
  more: 'idle' | 'loading' | Error;
  hasMore: boolean;
  onMore: () => void;
  label?: string;
  /** Load the next page when the footer scrolls into view. */
  auto?: boolean;
}) {
  const sentinel = useRef<HTMLDivElement>(null);
  const onMoreRef = useRef(onMore);
  onMoreRef.current = onMore;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore || !auto) return;
    const io = new IntersectionObserver((e) => e.some((x) => x.isIntersecting) && onMoreRef.current());
    io.observe(el);
    return () => io.disconnect();
  }, [hasMore, auto]);
  return (
    <div className="page-foot" ref={sentinel} data-testid="page-foot">
      {hasMore ? (
        <>
          <span>
            showing {shown}
            {total !== null && total >= shown ? ` of ${total}` : ''}
          </span>
          <button type="button" onClick={onMore} disabled={more === 'loading'} data-testid="load-more">
            {more === 'loading' ? 'loading…' : `load ${label}`}
          </button>
          {more instanceof Error ? <span className="err">{more.message}</span> : null}
        </>
      ) : (
        <span data-testid="list-complete">all {shown} shown</span>
      )}
    </div>
  );
}

function localHistogram(logs: LogLine[], start: number, end: number): Histogram {
  const step = Math.max(1, Math.ceil((end - start) / 60));
  const buckets: Histogram['buckets'] = [];
  for (let t = start - (start % step); t < end; t += step) buckets.push({ t });
  for (const l of logs) {
    const s = Number(BigInt(l.timeUnixNano) / 1_000_000_000n);
    const i = Math.floor((s - buckets[0].t) / step);
    const b = buckets[i];
    if (b) b[severityClass(l.severityNumber)] = (b[severityClass(l.severityNumber)] ?? 0) + 1;
  }
  return { step, buckets };
}

function LogRow({ l, anchor, open, onOpen }: { l: LogLine; anchor?: boolean; open?: boolean; onOpen?: () => void }) {
  const [ctx, setCtx] = useState<{ logs: LogLine[]; anchorIndex: number } | 'loading' | null>(null);
  const ms = Number(BigInt(l.timeUnixNano) / 1_000_000n);
  const sc = severityClass(l.severityNumber);
  const showContext = async () => {
    if (ctx) return setCtx(null);
    setCtx('loading');
    try {
      setCtx(
        await getJson('/api/v1/logs/context', {
          service: l.serviceName,
          timeUnixNano: l.timeUnixNano,
          before: 10,
          after: 10,
        }),
      );
    } catch {
      // Fallback: the same service within a minute either side.
      const s = Math.floor(ms / 1000);
      const r = await getJson<{ logs: LogLine[] }>('/api/v1/logs', {
        service: l.serviceName,
        start: s - 60,
        end: s + 60,
        limit: 200,
      });
      const sorted = r.logs.reverse();
      const at = sorted.findIndex((x) => x.timeUnixNano === l.timeUnixNano);
      setCtx({ logs: sorted.slice(Math.max(0, at - 10), at + 11), anchorIndex: Math.min(at, 10) });
    }
  };
  return (
    <>
      <div className={`log-row sev-${sc} ${anchor ? 'anchor' : ''} ${open ? 'open' : ''}`} data-testid="log-row">
        <span className="muted" title={fmtTime(ms, true)}>
          <span className="log-date">{fmtTime(ms, true).slice(0, 11)}</span>
          {fmtTime(ms)}
        </span>
        <span className={`sevtag ${sc}`}>{l.severityText || sc.toUpperCase()}</span>
        <span>{l.serviceName}</span>
        {onOpen ? (
          <button
            type="button"
            className="body linkish-plain"
            onClick={onOpen}
            aria-expanded={open}
            title="open this log line"
            data-testid="log-open"
          >
            {bodyText(l.body)}
          </button>
        ) : (
          <span className="body">{bodyText(l.body)}</span>
        )}
        <span>
          {l.traceId ? (
            <a
              href={`/trace/${l.traceId}${l.spanId ? `?span=${l.spanId}` : ''}`}
              onClick={linkClick}
              data-testid="log-trace-link"
              title="open the trace at this span"
            >
              trace
            </a>
          ) : null}{' '}
          {anchor === undefined ? (
            <button type="button" className="linkish small" onClick={showContext}>
              context
            </button>
          ) : null}
        </span>
      </div>
      {ctx === 'loading' ? (
        <div className="context muted">loading context…</div>
      ) : ctx ? (
        <div className="context" data-testid="log-context">
          {ctx.logs.map((c, i) => (
            <LogRow key={logKey(c)} l={c} anchor={i === ctx.anchorIndex} />
          ))}
        </div>
      ) : null}
    </>
  );
}
