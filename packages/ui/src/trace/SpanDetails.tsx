import { useState } from 'react';
import { bodyText, type LogLine } from '../api';
import { fmtDurNs, fmtTime, severityClass } from '../format';
import { LogDetails } from '../logs/LogDetails';
import { linkClick } from '../router';
import { operationRedHref } from '../views/services/links';
import { anyValueText, anyValueType, kindName, type OtlpKeyValue, statusName, type Trace } from './model';
import { MAX_TRACE_LOGS, traceLogRange } from './traceLogs';

function Attrs({ list, testid }: { list: OtlpKeyValue[]; testid?: string }) {
  if (!list.length) return <div className="muted small">none</div>;
  const sorted = [...list].sort((a, b) => (a.key < b.key ? -1 : 1));
  return (
    <table className="attrs" data-testid={testid}>
      <tbody>
        {sorted.map((kv) => (
          <tr key={kv.key}>
            <th>{kv.key}</th>
            <td>
              <span className={`type t-${anyValueType(kv.value)}`}>{anyValueType(kv.value)}</span>
              <span className="val">{anyValueText(kv.value)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SpanDetails({
  trace,
  index,
  logs,
  logsLoaded,
  logsComplete,
  onSelect,
  onClose,
}: {
  trace: Trace;
  index: number;
  logs: LogLine[];
  logsLoaded: boolean;
  logsComplete: boolean;
  onSelect: (i: number) => void;
  onClose: () => void;
}) {
  const s = trace.spans[index];
  const raw = s.raw;
  const status = statusName(raw.status);
  const parent = s.parent >= 0 ? trace.spans[s.parent] : null;
  const backs = trace.backlinks.get(s.spanId) ?? [];
  const startMs = Number((trace.startNs + BigInt(s.start)) / 1_000_000n);
  const [openLog, setOpenLog] = useState<LogLine | null>(null);
  const { start: logStart, end: logEnd } = traceLogRange(trace);
  const spanLogsHref = `/logs?traceId=${trace.traceId}&spanId=${s.spanId}&start=${logStart}&end=${logEnd}`;
  const sortedLogs = [...logs].sort((a, b) => (BigInt(a.timeUnixNano) < BigInt(b.timeUnixNano) ? -1 : 1));
  return (
    <aside className="details" data-testid="span-details">
      <div className="details-head">
        <h3>{s.name}</h3>
        <button type="button" onClick={onClose} aria-label="close details">
          ✕
        </button>
      </div>
      <table className="kv">
        <tbody>
          <tr>
            <th>service</th>
            <td>
              {s.service}{' '}
              <a
                className="small"
                href={`/services?service=${encodeURIComponent(s.service)}`}
                onClick={linkClick}
                data-testid="span-service-red-link"
                title="rate, errors and duration of this service and its operations"
              >
                RED metrics
              </a>
            </td>
          </tr>
          <tr>
            <th>kind</th>
            <td>{kindName(raw.kind)}</td>
          </tr>
          <tr>
            <th>status</th>
            <td className={status === 'Error' ? 'err' : ''} data-testid="span-status">
              {status}
              {raw.status?.message ? `: ${raw.status.message}` : ''}
            </td>
          </tr>
          <tr>
            <th>duration</th>
            <td>
              {fmtDurNs(s.duration)} ·{' '}
              <a
                className="small"
                href={operationRedHref(s.service, s.name, startMs)}
                onClick={linkClick}
                data-testid="span-red-link"
              >
                RED of this operation
              </a>
            </td>
          </tr>
          <tr>
            <th>start</th>
            <td>
              +{fmtDurNs(s.start)} ({fmtTime(startMs, true)})
            </td>
          </tr>
          <tr>
            <th>span id</th>
            <td>
              <code data-testid="selected-span-id">{s.spanId}</code>
            </td>
          </tr>
          <tr>
            <th>parent</th>
            <td>
              {parent ? (
                <button type="button" className="linkish" onClick={() => onSelect(parent.index)}>
                  {parent.name}
                </button>
              ) : s.parentId ? (
                <code title="parent span not received">{s.parentId} (missing)</code>
              ) : (
                'root'
              )}
            </td>
          </tr>
          {s.scope ? (
            <tr>
              <th>scope</th>
              <td>{s.scope}</td>
            </tr>
          ) : null}
        </tbody>
      </table>

      <section>
        <h4>
          Logs for this span{' '}
          {logs.length ? (
            <a className="small" href={spanLogsHref} onClick={linkClick} data-testid="open-span-logs">
              {logs.length}
              {logsComplete ? '' : '+'} · open in Logs
            </a>
          ) : (
            <span className="muted small">({logsLoaded ? (logsComplete ? 0 : '?') : '…'})</span>
          )}
        </h4>
        <div className="span-logs" data-testid="span-logs">
          {sortedLogs.map((l, k) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: log lines have no id
            <div key={k} className={`log-line sev-${severityClass(l.severityNumber)}`}>
              <button
                type="button"
                className="linkish-plain"
                onClick={() => setOpenLog(openLog === l ? null : l)}
                aria-expanded={openLog === l}
                title="open this log line"
              >
                <span className="muted">{fmtTime(Number(BigInt(l.timeUnixNano) / 1_000_000n))}</span>{' '}
                <span className="sev">{l.severityText || severityClass(l.severityNumber).toUpperCase()}</span>{' '}
                {bodyText(l.body)}
              </button>
              {openLog === l ? (
                <LogDetails log={l} params={new URLSearchParams()} onClose={() => setOpenLog(null)} />
              ) : null}
            </div>
          ))}
          {logsLoaded && !logs.length ? (
            <div className="muted small">
              {logsComplete
                ? 'no logs carry this span id'
                : `none among the first ${MAX_TRACE_LOGS} logs of the trace; open the trace's logs in Logs`}
            </div>
          ) : null}
        </div>
      </section>

      <section>
        <h4>Attributes</h4>
        <Attrs list={raw.attributes ?? []} testid="span-attributes" />
      </section>
      <section>
        <h4>Resource</h4>
        <Attrs list={s.resource} />
      </section>
      <section>
        <h4>Events ({raw.events?.length ?? 0})</h4>
        {(raw.events ?? []).map((ev, k) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: events have no id
          <div key={k} className="event">
            <div>
              <b>{ev.name}</b>{' '}
              <span className="muted small">+{fmtDurNs(Number(BigInt(ev.timeUnixNano) - trace.startNs))}</span>
            </div>
            <Attrs list={ev.attributes ?? []} />
          </div>
        ))}
      </section>
      <section>
        <h4>
          Links ({raw.links?.length ?? 0} out, {backs.length} in)
        </h4>
        {(raw.links ?? []).map((l, k) => {
          const local = l.traceId === trace.traceId ? trace.byId.get(l.spanId) : undefined;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: links may repeat
            <div key={k} className="link">
              →{' '}
              {local !== undefined ? (
                <button type="button" className="linkish" onClick={() => onSelect(local)}>
                  {trace.spans[local].name}
                </button>
              ) : (
                <a href={`/trace/${l.traceId}?span=${l.spanId}`} onClick={linkClick}>
                  trace {l.traceId.slice(0, 8)}… span {l.spanId}
                </a>
              )}
              <Attrs list={l.attributes ?? []} />
            </div>
          );
        })}
        {backs.map((b) => (
          <div key={b} className="link">
            ← linked from{' '}
            <button type="button" className="linkish" onClick={() => onSelect(b)}>
              {trace.spans[b].service}: {trace.spans[b].name}
            </button>
          </div>
        ))}
      </section>
    </aside>
  );
}
