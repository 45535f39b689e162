// The telemetry-contract report: per service, the rules it breaks, since when, with example
// traces to open (GET /api/v1/contract).
import { useEffect, useState } from 'react';
import { getJson } from '../api';
import { Loading, Problem } from '../components';
import { fmtTime, nsToMs } from '../format';
import { linkClick } from '../router';

interface Violation {
  rule: string;
  detail: string;
  firstSeen: string;
  lastSeen: string;
  examples: string[];
}

interface Report {
  services: { service: string; violations: Violation[] }[];
}

const TRACE_ID = /^[0-9a-f]{32}$/;

export function ContractView({ params }: { params: URLSearchParams }) {
  const only = params.get('service') ?? '';
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    getJson<Report>('/api/v1/contract', {}, ac.signal).then(setReport, (e) => !ac.signal.aborted && setError(e));
    return () => ac.abort();
  }, []);
  if (error) return <Problem title="Could not load the contract report">{error.message}</Problem>;
  if (!report) return <Loading what="the contract report" />;
  const services = report.services.filter((s) => !only || s.service === only);
  return (
    <div data-testid="contract-report">
      <h2>Telemetry contract</h2>
      {services.length === 0 && <div className="muted">Every service keeps the telemetry contract.</div>}
      {services.map((s) => (
        <section key={s.service} data-testid="contract-service">
          <h3>{s.service}</h3>
          <table className="list">
            <thead>
              <tr>
                <th>rule</th>
                <th>detail</th>
                <th>first seen</th>
                <th>last seen</th>
                <th>examples</th>
              </tr>
            </thead>
            <tbody>
              {s.violations.map((v) => (
                <tr key={`${v.rule}|${v.detail}`}>
                  <td>{v.rule}</td>
                  <td>{v.detail}</td>
                  <td>{fmtTime(nsToMs(v.firstSeen), true)}</td>
                  <td>{fmtTime(nsToMs(v.lastSeen), true)}</td>
                  <td>
                    {v.examples.map((e) =>
                      TRACE_ID.test(e) ? (
                        <a key={e} href={`/trace/${e}`} onClick={linkClick} className="mono">
                          {e.slice(0, 8)}{' '}
                        </a>
                      ) : (
                        <code key={e}>{e} </code>
                      ),
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
