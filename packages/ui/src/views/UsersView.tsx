import { useEffect, useState } from 'react';
import { bodyText, getJson, type TimelineItem } from '../api';
import { Loading } from '../components';
import { RequestProblem } from '../errors';
import { fmtDurNs, fmtTime, nsToMs, severityClass, timeRange } from '../format';
import { linkClick, setParams } from '../router';
import { serviceColor } from '../trace/colors';
import { Scatter } from './charts';
import { PageFoot } from './LogsView';
import { TimeRangePicker } from './TimeRange';

const PAGE = 200;

/** enduser.id values seen on spans (the search autocomplete's rollup), for the id box. */
function useEnduserIds(prefix: string): string[] {
  const [values, setValues] = useState<string[]>([]);
  useEffect(() => {
    const ac = new AbortController();
    const t = setTimeout(() => {
      getJson<{ tagValues: { value: string }[] }>(
        '/api/v1/search/tag/.enduser.id/values',
        { q: prefix.trim(), limit: 50 },
        ac.signal,
      ).then(
        (r) => setValues(r.tagValues.map((v) => v.value)),
        () => {},
      );
    }, 150);
    return () => {
      clearTimeout(t);
      ac.abort();
    };
  }, [prefix]);
  return values;
}

export function UsersView({ params }: { params: URLSearchParams }) {
  const id = params.get('id') ?? '';
  const [text, setText] = useState(id);
  useEffect(() => setText(id), [id]);
  const { start, end } = timeRange(params);
  const [items, setItems] = useState<TimelineItem[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [more, setMore] = useState<'idle' | 'loading' | Error>('idle');
  const [error, setError] = useState<Error | null>(null);
  const suggestions = useEnduserIds(text);
  const key = `${id}|${start - (start % 60)}|${params.get('since')}`;
  const page = (cursor: string | null, signal?: AbortSignal) =>
    getJson<{ items: TimelineItem[]; nextCursor?: string | null }>(
      `/api/v1/users/${encodeURIComponent(id)}/timeline`,
      { start, end, limit: PAGE, cursor },
      signal,
    );
  // biome-ignore lint/correctness/useExhaustiveDependencies: key lists the inputs
  useEffect(() => {
    if (!id) return;
    const ac = new AbortController();
    setItems(null);
    setError(null);
    page(null, ac.signal).then(
      (r) => {
        setItems(r.items);
        setNextCursor(r.nextCursor ?? null);
        setMore('idle');
      },
      (e) => !ac.signal.aborted && setError(e),
    );
    return () => ac.abort();
  }, [key]);
  // Pages come newest first: an older page goes before what is shown.
  const loadOlder = () => {
    if (!nextCursor || more === 'loading') return;
    setMore('loading');
    page(nextCursor).then(
      (r) => {
        setItems((cur) => [...r.items, ...(cur ?? [])]);
        setNextCursor(r.nextCursor ?? null);
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
          setParams({ id: text.trim() }, false);
        }}
      >
        <input
          aria-label="enduser.id"
          data-testid="user-id"
          placeholder="enduser.id, e.g. user-42"
          list="enduser-ids"
          autoComplete="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
          style={{ width: 280 }}
        />
        <datalist id="enduser-ids" data-testid="enduser-ids">
          {suggestions.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
        <button type="submit">Show timeline</button>
        <TimeRangePicker params={params} />
      </form>
      {!id ? (
        <div className="empty">
          Enter an <code>enduser.id</code> to see that user's traces and logs on one timeline. Spans carry it when the
          SDK sets the <code>enduser.id</code> attribute (for example from baggage).
        </div>
      ) : error ? (
        <RequestProblem title="Could not load the timeline" error={error} />
      ) : items === null ? (
        <Loading what={`timeline of ${id}`} />
      ) : items.length === 0 ? (
        <div className="empty">No traces or logs for user {id} in this time range.</div>
      ) : (
        <>
          <PageFoot
            shown={items.length}
            total={null}
            more={more}
            hasMore={nextCursor !== null}
            onMore={loadOlder}
            label="older"
            auto={false}
          />
          <Timeline items={items} />
        </>
      )}
    </div>
  );
}

function Timeline({ items }: { items: TimelineItem[] }) {
  const traces = items.filter((i): i is Extract<TimelineItem, { kind: 'trace' }> => i.kind === 'trace');
  return (
    <div>
      {traces.length ? (
        <Scatter
          height={140}
          testid="user-scatter"
          points={traces.map((t) => ({
            key: t.trace.traceId,
            x: nsToMs(t.timeUnixNano),
            y: Number(t.trace.durationNanos),
            color: t.trace.errorCount ? 'var(--error)' : serviceColor(t.trace.rootServiceName),
            title: `${t.trace.rootServiceName}: ${t.trace.rootSpanName}`,
          }))}
          yFmt={fmtDurNs}
          onPoint={(p) => {
            history.pushState(null, '', `/trace/${p.key}`);
            dispatchEvent(new PopStateEvent('popstate'));
          }}
        />
      ) : null}
      <div data-testid="timeline">
        {items.map((it, k) =>
          it.kind === 'trace' ? (
            <div key={`t${it.trace.traceId}`} className="timeline-item" data-kind="trace">
              <span className="muted">{fmtTime(nsToMs(it.timeUnixNano), true)}</span>
              <span className="badge">trace</span>
              <span>
                <a href={`/trace/${it.trace.traceId}`} onClick={linkClick} className="trace-link">
                  <span className="svc-dot" style={{ background: serviceColor(it.trace.rootServiceName) }} />
                  {it.trace.rootServiceName}: {it.trace.rootSpanName}
                </a>{' '}
                <span className="muted">
                  {fmtDurNs(Number(it.trace.durationNanos))} · {it.trace.spanCount} spans
                </span>
                {it.trace.errorCount ? <span className="err"> · {it.trace.errorCount} errors</span> : null}
              </span>
            </div>
          ) : (
            <div
              // biome-ignore lint/suspicious/noArrayIndexKey: log lines have no id
              key={k}
              className={`timeline-item log-line sev-${severityClass(it.log.severityNumber)}`}
              data-kind="log"
            >
              <span className="muted">{fmtTime(nsToMs(it.timeUnixNano), true)}</span>
              <span className={`sevtag ${severityClass(it.log.severityNumber)}`}>
                {it.log.severityText || severityClass(it.log.severityNumber)}
              </span>
              <span>
                {it.log.serviceName}: {bodyText(it.log.body)}{' '}
                {it.log.traceId ? (
                  <a
                    href={`/trace/${it.log.traceId}${it.log.spanId ? `?span=${it.log.spanId}` : ''}`}
                    onClick={linkClick}
                  >
                    trace
                  </a>
                ) : null}
              </span>
            </div>
          ),
        )}
      </div>
    </div>
  );
}
