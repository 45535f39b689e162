import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ApiError, getJson, type TraceSummary } from '../api';
import { HowToSend, Loading, Problem } from '../components';
import { fmtDurNs, fmtTime, nsToMs, timeRange } from '../format';
import { linkClick, navigate, setParams, withParams } from '../router';
import { serviceColor } from '../trace/colors';
import { Scatter } from './charts';
import { TimeRangePicker } from './TimeRange';

const RERUN = 'tracehouse:rerun-search';

interface TagScopes {
  scopes: { name: string; tags: string[] }[];
}

export function SearchView({ params }: { params: URLSearchParams }) {
  const q = params.get('q') ?? '{}';
  const recent = params.get('recent') === '1';
  const limit = Number(params.get('limit') ?? 50);
  const { start, end } = timeRange(params);
  const [result, setResult] = useState<TraceSummary[] | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [runs, setRuns] = useState(0);
  useEffect(() => {
    const again = () => setRuns((n) => n + 1);
    addEventListener(RERUN, again);
    return () => removeEventListener(RERUN, again);
  }, []);
  const key = `${q}|${recent}|${limit}|${params.get('since')}|${params.get('start')}|${params.get('end')}|${runs}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key lists what the query depends on
  useEffect(() => {
    const ac = new AbortController();
    setResult(null);
    setError(null);
    getJson<{ traces: TraceSummary[] }>(
      '/api/v1/search',
      { q, start, end, limit, recent: recent ? 'true' : undefined },
      ac.signal,
    ).then(
      (r) => setResult(r.traces),
      (e) => !ac.signal.aborted && setError(e),
    );
    return () => ac.abort();
  }, [key]);

  return (
    <div>
      <QueryBox q={q} />
      <div className="toolbar">
        <TimeRangePicker params={params} />
        <label>
          <input
            type="checkbox"
            checked={recent}
            onChange={(e) => setParams({ recent: e.target.checked ? '1' : undefined }, false)}
            data-testid="recent-toggle"
          />{' '}
          include the recent full-fidelity window (sampled-out traces too)
        </label>
        <select
          aria-label="limit"
          value={limit}
          onChange={(e) => setParams({ limit: e.target.value === '50' ? undefined : e.target.value }, false)}
        >
          {[20, 50, 100, 500].map((n) => (
            <option key={n} value={n}>
              {n} traces
            </option>
          ))}
        </select>
      </div>
      {error ? (
        error instanceof ApiError && error.status === 404 && !(error.body as { position?: number })?.position ? (
          <Problem title="Trace search is not available on this server">
            Open a trace by its id (box at the top right), or look at{' '}
            <a href="/logs" onClick={linkClick}>
              logs
            </a>
            .
          </Problem>
        ) : (
          <Problem title="Query failed">
            <span data-testid="query-error">{error.message}</span>
            {typeof (error as ApiError).body === 'object' &&
            (error as ApiError).body &&
            'position' in ((error as ApiError).body as object) ? (
              <pre>
                {q}
                {'\n'}
                {' '.repeat(Number(((error as ApiError).body as { position: number }).position))}^
              </pre>
            ) : null}
          </Problem>
        )
      ) : result === null ? (
        <Loading what="traces" />
      ) : result.length === 0 ? (
        q === '{}' ? (
          <HowToSend what="traces in this time range" />
        ) : (
          <div className="empty">No trace matches this query in the time range.</div>
        )
      ) : (
        <Results traces={result} />
      )}
    </div>
  );
}

function Results({ traces }: { traces: TraceSummary[] }) {
  return (
    <>
      <Scatter
        testid="scatter"
        points={traces.map((t) => ({
          key: t.traceId,
          x: nsToMs(t.startTimeUnixNano),
          y: Number(t.durationNanos),
          color: t.errorCount ? 'var(--error)' : serviceColor(t.rootServiceName),
          hollow: t.decision === 'drop',
          title: `${t.rootServiceName}: ${t.rootSpanName} ${fmtDurNs(Number(t.durationNanos))}`,
        }))}
        yFmt={fmtDurNs}
        onPoint={(p) => navigate(`/trace/${p.key}`)}
      />
      <table className="list" data-testid="results">
        <thead>
          <tr>
            <th>start</th>
            <th>root</th>
            <th>duration</th>
            <th>spans</th>
            <th>errors</th>
            <th>sampling</th>
            <th>trace id</th>
          </tr>
        </thead>
        <tbody>
          {traces.map((t) => {
            const first = t.matchedSpans?.[0];
            const href = `/trace/${t.traceId}${first ? `?span=${first.spanId}` : ''}`;
            return (
              <tr key={t.traceId}>
                <td>{fmtTime(nsToMs(t.startTimeUnixNano), true)}</td>
                <td>
                  <a href={href} onClick={linkClick} className="trace-link">
                    <span className="svc-dot" style={{ background: serviceColor(t.rootServiceName) }} />
                    {t.rootServiceName}: {t.rootSpanName}
                  </a>
                  {t.matchedSpans?.length ? (
                    <span className="muted small"> · {t.matchedSpans.length} matching spans</span>
                  ) : null}
                </td>
                <td>{fmtDurNs(Number(t.durationNanos))}</td>
                <td>{t.spanCount}</td>
                <td className={t.errorCount ? 'err' : ''}>{t.errorCount}</td>
                <td>
                  {t.decision === 'drop' ? (
                    <span className="badge drop" title="sampled out: only in the recent window">
                      dropped
                    </span>
                  ) : t.decision === 'pending' ? (
                    <span className="badge">pending</span>
                  ) : (
                    <span className="badge">kept</span>
                  )}
                  {t.source === 'recent' ? <span className="badge recent">recent</span> : null}
                </td>
                <td className="trace-id-cell" title={t.traceId}>
                  <code>{t.traceId}</code>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

const INTRINSICS = ['name', 'status', 'duration', 'kind', 'rootName', 'rootServiceName', 'traceDuration'];

/** TraceQL box with autocomplete (tag names after `{`/`&&`, values after `=`) plus a simple builder. */
function QueryBox({ q }: { q: string }) {
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const [tags, setTags] = useState<string[]>([]);
  const [sugg, setSugg] = useState<{ items: string[]; from: number; to: number } | null>(null);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const tagsRef = useRef<string[]>([]);
  // Where the caret goes after an accepted suggestion: set before the next keystroke lands.
  const caretAfter = useRef(-1);
  useLayoutEffect(() => {
    const el = input.current;
    if (el && caretAfter.current >= 0) {
      el.focus();
      el.setSelectionRange(caretAfter.current, caretAfter.current);
      caretAfter.current = -1;
    }
  });
  tagsRef.current = tags;
  // Only the answer to the latest keystroke may set the suggestions.
  const seq = useRef(0);
  const suggestRef = useRef<(value: string, caret: number) => void>(() => {});
  useEffect(() => {
    // When the tag names arrive after the user started typing, suggest at once.
    const el = input.current;
    if (tags.length && el && document.activeElement === el)
      suggestRef.current(el.value, el.selectionStart ?? el.value.length);
  }, [tags]);
  useEffect(() => {
    getJson<TagScopes>('/api/v1/search/tags').then(
      (r) => {
        const out: string[] = [];
        for (const s of r.scopes)
          for (const t of s.tags)
            out.push(
              s.name === 'intrinsic' ? t : t.includes('.') && /^(span|resource)\./.test(t) ? t : `${s.name}.${t}`,
            );
        setTags([...new Set([...out, ...INTRINSICS])]);
      },
      () => setTags(INTRINSICS),
    );
  }, []);

  const suggestAt = async (value: string, caret: number) => {
    const mine = ++seq.current;
    const before = value.slice(0, caret);
    const valueMatch = /([\w.]+)\s*(=|!=|=~)\s*"?([^"&|}]*)$/.exec(before);
    if (valueMatch) {
      const [, tag, , prefix] = valueMatch;
      try {
        const r = await getJson<{ tagValues: { type: string; value: string }[] }>(
          `/api/v1/search/tag/${encodeURIComponent(tag)}/values`,
          { q: prefix },
        );
        const items = r.tagValues
          .map((v) => (v.type === 'string' ? `"${v.value}"` : v.value))
          .filter((v) => v.replace(/"/g, '').startsWith(prefix))
          .slice(0, 50);
        const from = caret - prefix.length - (before.endsWith(`"${prefix}`) ? 1 : 0);
        if (mine === seq.current) setSugg(items.length ? { items, from, to: caret } : null);
      } catch {
        if (mine === seq.current) setSugg(null);
      }
      setActive(0);
      return;
    }
    const tagMatch = /(?:^|[{&|(]\s*)([\w.]*)$/.exec(before);
    if (tagMatch && before.includes('{')) {
      const prefix = tagMatch[1];
      const items = tagsRef.current.filter((t) => t.startsWith(prefix) && t !== prefix).slice(0, 50);
      setSugg(items.length ? { items, from: caret - prefix.length, to: caret } : null);
      setActive(0);
      return;
    }
    setSugg(null);
  };
  suggestRef.current = suggestAt;
  const accept = (item: string) => {
    if (!sugg) return;
    const v = text.slice(0, sugg.from) + item + text.slice(sugg.to);
    setText(v);
    setSugg(null);
    caretAfter.current = sugg.from + item.length;
  };
  const run = (v = text) => {
    setSugg(null);
    const next = withParams({ q: v.trim() === '{}' ? undefined : v.trim() });
    // The same query again means "run it again" (new data may have arrived).
    if (next === location.pathname + location.search) dispatchEvent(new Event(RERUN));
    else navigate(next);
  };

  return (
    <div>
      <form
        className="toolbar"
        style={{ position: 'relative' }}
        onSubmit={(e) => {
          e.preventDefault();
          if (sugg) accept(sugg.items[active]);
          else run();
        }}
      >
        <input
          ref={input}
          aria-label="TraceQL"
          data-testid="traceql"
          style={{ flex: 1, fontFamily: 'ui-monospace, monospace' }}
          value={text}
          placeholder='{ resource.service.name = "checkout" && status = error }'
          onChange={(e) => {
            setText(e.target.value);
            suggestAt(e.target.value, e.target.selectionStart ?? e.target.value.length);
          }}
          onKeyDown={(e) => {
            if (!sugg) return;
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((a) => Math.min(a + 1, sugg.items.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, 0));
            } else if (e.key === 'Escape') setSugg(null);
            else if (e.key === 'Tab') {
              e.preventDefault();
              accept(sugg.items[active]);
            }
          }}
          onBlur={() => setTimeout(() => setSugg(null), 150)}
        />
        <button type="submit">Run query</button>
        {sugg ? (
          <div className="suggest" data-testid="suggestions" style={{ top: 30, left: 0 }}>
            {sugg.items.map((s, i) => (
              // biome-ignore lint/a11y/useKeyWithClickEvents: the input handles keys for the list
              // biome-ignore lint/a11y/noStaticElementInteractions: see above
              <div
                key={s}
                className={i === active ? 'active' : ''}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => accept(s)}
              >
                {s}
              </div>
            ))}
          </div>
        ) : null}
      </form>
      <Builder onBuild={(v) => run(v)} />
    </div>
  );
}

function Builder({ onBuild }: { onBuild: (q: string) => void }) {
  const [service, setService] = useState('');
  const [name, setName] = useState('');
  const [status, setStatus] = useState('');
  const [minDur, setMinDur] = useState('');
  const [attr, setAttr] = useState('');
  const [services, setServices] = useState<string[]>([]);
  useEffect(() => {
    getJson<{ tagValues: { value: string }[] }>('/api/v1/search/tag/resource.service.name/values').then(
      (r) => setServices(r.tagValues.map((v) => v.value)),
      () => {},
    );
  }, []);
  const build = () => {
    const parts: string[] = [];
    const str = (s: string) => JSON.stringify(s);
    if (service) parts.push(`resource.service.name = ${str(service)}`);
    if (name) parts.push(`name = ${str(name)}`);
    if (status) parts.push(`status = ${status}`);
    if (minDur) parts.push(`duration > ${minDur}`);
    const m = /^([\w.]+)\s*=\s*(.+)$/.exec(attr.trim());
    if (m) {
      const key = /^(span|resource)\./.test(m[1]) ? m[1] : `span.${m[1]}`;
      const v = m[2].trim();
      parts.push(`${key} = ${/^-?\d+(\.\d+)?$|^(true|false)$/.test(v) ? v : str(v.replace(/^"|"$/g, ''))}`);
    }
    onBuild(parts.length ? `{ ${parts.join(' && ')} }` : '{}');
  };
  return (
    <form
      className="toolbar builder"
      onSubmit={(e) => {
        e.preventDefault();
        build();
      }}
    >
      <span className="muted">Builder:</span>
      <input
        list="svc-list"
        placeholder="service"
        value={service}
        onChange={(e) => setService(e.target.value)}
        aria-label="service"
      />
      <datalist id="svc-list">
        {services.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <input placeholder="span name" value={name} onChange={(e) => setName(e.target.value)} aria-label="span name" />
      <select value={status} onChange={(e) => setStatus(e.target.value)} aria-label="status">
        <option value="">any status</option>
        <option value="error">error</option>
        <option value="ok">ok</option>
        <option value="unset">unset</option>
      </select>
      <input
        placeholder="min duration (e.g. 100ms)"
        value={minDur}
        onChange={(e) => setMinDur(e.target.value)}
        aria-label="min duration"
        style={{ width: 170 }}
      />
      <input
        placeholder="attribute key=value"
        value={attr}
        onChange={(e) => setAttr(e.target.value)}
        aria-label="attribute"
      />
      <button type="submit">Build query</button>
    </form>
  );
}
