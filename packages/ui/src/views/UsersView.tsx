import { useEffect, useState } from 'react';
import { ApiError, bodyText, getJson, type TimelineItem } from '../api';
import { Loading, Problem } from '../components';
import { fmtDurNs, fmtTime, nsToMs, severityClass, timeRange } from '../format';
import { linkClick, setParams } from '../router';
import { serviceColor } from '../trace/colors';
import { Scatter } from './charts';
import { TimeRangePicker } from './TimeRange';

export function UsersView({ params }: { params: URLSearchParams }) {
  const id = params.get('id') ?? '';
  const [text, setText] = useState(id);
  useEffect(() => setText(id), [id]);
  const { start, end } = timeRange(params);
  const [items, setItems] = useState<TimelineItem[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const key = `${id}|${start - (start % 60)}|${params.get('since')}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: key lists the inputs
  useEffect(() => {
    if (!id) return;
    const ac = new AbortController();
    setItems(null);
    setError(null);
    getJson<{ items: TimelineItem[] }>(
      `/api/v1/users/${encodeURIComponent(id)}/timeline`,
      { start, end, limit: 500 },
      ac.signal,
    ).then(
      (r) => setItems(r.items),
      (e) => !ac.signal.aborted && setError(e),
    );
    return () => ac.abort();
  }, [key]);
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
          value={text}
          onChange={(e) => setText(e.target.value)}
          style={{ width: 280 }}
        />
        <button type="submit">Show timeline</button>
        <TimeRangePicker params={params} />
      </form>
      {!id ? (
        <div className="empty">
          Enter an <code>enduser.id</code> to see that user's traces and logs on one timeline. Spans carry it when the
          SDK sets the <code>enduser.id</code> attribute (for example from baggage).
        </div>
      ) : error ? (
        error instanceof ApiError && error.status === 404 ? (
          <Problem title="User timelines are not available on this server yet">{error.message}</Problem>
        ) : (
          <Problem title="Could not load the timeline">{error.message}</Problem>
        )
      ) : items === null ? (
        <Loading what={`timeline of ${id}`} />
      ) : items.length === 0 ? (
        <div className="empty">No traces or logs for user {id} in this time range.</div>
      ) : (
        <Timeline items={items} />
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
