// Alerts, SLOs and rule health: what tracehouse's own rule evaluation says right now.
// Reads the Prometheus-compatible rules API (alerts with their links to traces, rule health)
// and the SLO API; refreshes every 10 s.
import { useEffect, useState } from 'react';
import { getJson } from '../api';
import { Loading, Problem } from '../components';
import { fmtPct, fmtTime } from '../format';
import { linkClick } from '../router';

interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

interface PromRule {
  type: 'alerting' | 'recording';
  name: string;
  query: string;
  health: 'ok' | 'err' | 'unknown';
  lastError: string;
  lastEvaluation: string;
  evaluationTime: number;
  state?: 'inactive' | 'pending' | 'firing';
  alerts?: PromAlert[];
}

interface PromGroup {
  name: string;
  file: string;
  interval: number;
  rules: PromRule[];
}

interface Slo {
  name: string;
  service: string;
  sliKind: string;
  objective: number;
  window: string;
  sli: number | null;
  errorBudgetRemaining: number | null;
  burnRates: Record<string, number | null>;
}

const REFRESH_MS = 10_000;
/** The burn rates at which the generated alerts page (1h/5m 14.4x, 6h/30m 6x) or open a ticket (1d/2h 3x, 3d/6h 1x). */
const BURN_ALERT: Record<string, number> = { '5m': 14.4, '1h': 14.4, '30m': 6, '6h': 6, '2h': 3, '1d': 3, '3d': 1 };

const since = (iso: string) => (iso.startsWith('0001') ? '—' : fmtTime(Date.parse(iso), true));

/** A relative in-app link stays in the app; the annotation holds the absolute (externalUrl) one. */
function appHref(url: string): string {
  try {
    const u = new URL(url);
    return u.origin === location.origin ? u.pathname + u.search : url;
  } catch {
    return url;
  }
}

export function AlertsView() {
  const [groups, setGroups] = useState<PromGroup[] | null>(null);
  const [slos, setSlos] = useState<Slo[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    const load = () =>
      Promise.all([
        getJson<{ data: { groups: PromGroup[] } }>('/prometheus/api/v1/rules', {}, ac.signal),
        getJson<{ slos: Slo[] }>('/api/v1/slos', {}, ac.signal),
      ]).then(
        ([r, s]) => {
          setGroups(r.data.groups);
          setSlos(s.slos);
          setError(null);
        },
        (e) => !ac.signal.aborted && setError(e),
      );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      clearInterval(timer);
      ac.abort();
    };
  }, []);
  if (error) return <Problem title="Could not load alerts">{error.message}</Problem>;
  if (!groups || !slos) return <Loading what="alerts" />;
  if (groups.length === 0)
    return (
      <Problem title="No alerting rules">
        Configure Prometheus rule files (<code>alerting.ruleFiles</code>) or SLOs (<code>slos</code>); see
        docs/alerting.md.
      </Problem>
    );
  const alerts = groups.flatMap((g) =>
    g.rules.flatMap((r) => (r.alerts ?? []).map((a) => ({ group: g.name, rule: r, alert: a }))),
  );
  alerts.sort((a, b) => (a.alert.state === b.alert.state ? 0 : a.alert.state === 'firing' ? -1 : 1));
  return (
    <div className="alerts-view">
      <h2>Alerts</h2>
      {alerts.length === 0 ? (
        <p className="empty" data-testid="no-alerts">
          Nothing pending or firing.
        </p>
      ) : (
        <table className="list" data-testid="alerts">
          <thead>
            <tr>
              <th>State</th>
              <th>Alert</th>
              <th>Labels</th>
              <th>Since</th>
              <th>Value</th>
              <th>Traces</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map(({ rule, alert }) => (
              <tr key={`${rule.name}${JSON.stringify(alert.labels)}`}>
                <td>
                  <span className={`badge alert-${alert.state}`}>{alert.state}</span>
                </td>
                <td title={rule.query}>
                  {alert.labels.alertname}
                  {alert.annotations.summary && <div className="muted small">{alert.annotations.summary}</div>}
                </td>
                <td className="small">
                  {Object.entries(alert.labels)
                    .filter(([k]) => k !== 'alertname')
                    .map(([k, v]) => `${k}=${v}`)
                    .join(' ')}
                </td>
                <td>{since(alert.activeAt)}</td>
                <td>{Number(alert.value).toPrecision(4)}</td>
                <td>
                  {alert.annotations.traces && (
                    <a href={appHref(alert.annotations.traces)} onClick={linkClick} data-testid="alert-traces">
                      traces
                    </a>
                  )}{' '}
                  {alert.annotations.trace_example && (
                    <a href={appHref(alert.annotations.trace_example)} onClick={linkClick}>
                      example
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>SLOs</h2>
      {slos.length === 0 ? (
        <p className="empty">No SLOs configured.</p>
      ) : (
        <table className="list" data-testid="slos">
          <thead>
            <tr>
              <th>SLO</th>
              <th>Objective</th>
              <th>SLI</th>
              <th>Budget left</th>
              <th>Burn rates (× budget)</th>
            </tr>
          </thead>
          <tbody>
            {slos.map((s) => (
              <tr key={s.name}>
                <td>
                  {s.name}
                  <div className="muted small">
                    {s.service} · {s.sliKind}
                  </div>
                </td>
                <td>
                  {s.objective}% / {s.window}
                </td>
                <td>{s.sli === null ? '—' : fmtPct(s.sli)}</td>
                <td className={s.errorBudgetRemaining !== null && s.errorBudgetRemaining < 0 ? 'err' : ''}>
                  {s.errorBudgetRemaining === null ? '—' : fmtPct(s.errorBudgetRemaining)}
                </td>
                <td>
                  <BurnRates rates={s.burnRates} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Rule health</h2>
      <table className="list" data-testid="rule-health">
        <thead>
          <tr>
            <th>Group</th>
            <th>Rule</th>
            <th>Health</th>
            <th>Last evaluation</th>
            <th>Took</th>
          </tr>
        </thead>
        <tbody>
          {groups.flatMap((g) =>
            g.rules.map((r) => (
              <tr key={`${g.name}/${r.type}/${r.name}/${r.query}`}>
                <td title={g.file}>
                  {g.name} <span className="muted small">every {g.interval}s</span>
                </td>
                <td title={r.query}>
                  {r.name} <span className="muted small">{r.type}</span>
                </td>
                <td className={r.health === 'err' ? 'err' : ''}>
                  {r.health}
                  {r.lastError && <div className="small">{r.lastError}</div>}
                </td>
                <td>{since(r.lastEvaluation)}</td>
                <td>{(r.evaluationTime * 1000).toFixed(1)} ms</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}

/** One bar per window, full at the rate that alerts for that window; red past it. */
function BurnRates({ rates }: { rates: Record<string, number | null> }) {
  return (
    <div className="burn-rates">
      {Object.entries(rates).map(([w, r]) => {
        const limit = BURN_ALERT[w] ?? 1;
        const share = r === null ? 0 : Math.min(1, r / limit);
        return (
          <div
            key={w}
            className="burn-rate"
            title={r === null ? `${w}: no traffic` : `${w}: ${r.toFixed(2)}× (alerts at ${limit}×)`}
          >
            <span className="burn-window">{w}</span>
            <span className="burn-bar">
              <span className={r !== null && r >= limit ? 'over' : ''} style={{ width: `${share * 100}%` }} />
            </span>
            <span className="burn-value">{r === null ? '—' : `${r.toFixed(1)}×`}</span>
          </div>
        );
      })}
    </div>
  );
}
