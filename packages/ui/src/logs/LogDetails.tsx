// One log line opened: every field, each value with "filter for" / "filter out".
import { bodyText, type LogLine } from '../api';
import { fmtTime, severityClass } from '../format';
import { linkClick } from '../router';
import { filterHref, type LogField, severityLabel, valueText } from './filters';
import './logs.css';

function FilterButtons({ params, field, value }: { params: URLSearchParams; field: LogField; value: string }) {
  const forHref = filterHref(params, field, value, false);
  const outHref = filterHref(params, field, value, true);
  return (
    <span className="filter-btns">
      {forHref ? (
        <a href={forHref} onClick={linkClick} title="filter for this value" aria-label="filter for this value">
          ⊕
        </a>
      ) : null}
      {outHref ? (
        <a href={outHref} onClick={linkClick} title="filter out this value" aria-label="filter out this value">
          ⊖
        </a>
      ) : null}
    </span>
  );
}

function FieldRow({
  name,
  value,
  params,
  field,
  children,
}: {
  name: string;
  value: string;
  params: URLSearchParams;
  field?: LogField;
  children?: React.ReactNode;
}) {
  return (
    <tr>
      <th>{name}</th>
      <td>
        <span className="val">{children ?? value}</span>
        {field && value ? <FilterButtons params={params} field={field} value={value} /> : null}
      </td>
    </tr>
  );
}

function AttrTable({
  title,
  attrs,
  params,
  kind,
  testid,
}: {
  title: string;
  attrs: Record<string, unknown>;
  params: URLSearchParams;
  kind: 'attribute' | 'resource';
  testid: string;
}) {
  const keys = Object.keys(attrs).sort();
  return (
    <section>
      <h4>
        {title} ({keys.length})
      </h4>
      {keys.length ? (
        <table className="kv log-fields" data-testid={testid}>
          <tbody>
            {keys.map((k) => (
              <FieldRow key={k} name={k} value={valueText(attrs[k])} params={params} field={{ kind, key: k }} />
            ))}
          </tbody>
        </table>
      ) : (
        <div className="muted small">none</div>
      )}
    </section>
  );
}

/** Pretty-prints a JSON body; keeps a text body's line breaks (stack traces). */
function Body({ body }: { body: unknown }) {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  return (
    <pre className="log-body" data-testid="log-body">
      {text ?? bodyText(body)}
    </pre>
  );
}

export function LogDetails({
  log,
  params,
  onClose,
}: {
  log: LogLine;
  /** The Logs filters the "filter for / out" links add to. */
  params: URLSearchParams;
  onClose: () => void;
}) {
  const ms = Number(BigInt(log.timeUnixNano) / 1_000_000n);
  const sc = severityClass(log.severityNumber);
  const base = location.pathname === '/logs' ? params : new URLSearchParams();
  return (
    <aside className="details log-details" data-testid="log-details" aria-label="log line">
      <div className="details-head">
        <h3>
          <span className={`sevtag ${sc}`}>{severityLabel(log)}</span> {log.serviceName}
        </h3>
        <button type="button" onClick={onClose} aria-label="close log line">
          ✕
        </button>
      </div>
      <Body body={log.body} />
      <table className="kv log-fields">
        <tbody>
          <FieldRow name="time" value={fmtTime(ms, true)} params={base}>
            {fmtTime(ms, true)} <span className="muted small">({log.timeUnixNano} ns)</span>
          </FieldRow>
          {log.observedTimeUnixNano && log.observedTimeUnixNano !== '0' ? (
            <FieldRow
              name="observed"
              value={fmtTime(Number(BigInt(log.observedTimeUnixNano) / 1_000_000n), true)}
              params={base}
            />
          ) : null}
          <FieldRow name="severity" value={sc} params={base} field={{ kind: 'severity' }}>
            {severityLabel(log)} ({log.severityNumber})
          </FieldRow>
          <FieldRow name="service" value={log.serviceName} params={base} field={{ kind: 'service' }} />
          {log.eventName ? <FieldRow name="event" value={log.eventName} params={base} /> : null}
          {log.traceId ? (
            <FieldRow name="trace id" value={log.traceId} params={base} field={{ kind: 'traceId' }}>
              <a href={`/trace/${log.traceId}`} onClick={linkClick} data-testid="log-details-trace">
                <code>{log.traceId}</code>
              </a>
            </FieldRow>
          ) : null}
          {log.spanId ? (
            <FieldRow name="span id" value={log.spanId} params={base} field={{ kind: 'spanId' }}>
              <a href={`/trace/${log.traceId}?span=${log.spanId}`} onClick={linkClick}>
                <code>{log.spanId}</code>
              </a>
            </FieldRow>
          ) : null}
        </tbody>
      </table>
      <AttrTable title="Attributes" attrs={log.attributes} params={base} kind="attribute" testid="log-attributes" />
      <AttrTable title="Resource" attrs={log.resourceAttributes} params={base} kind="resource" testid="log-resource" />
    </aside>
  );
}
