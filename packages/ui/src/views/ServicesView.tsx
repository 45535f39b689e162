// Services: RED charts per service (or per operation of one service, of any span kind), the
// traces behind a clicked point in a drawer, and the service map.
import { useEffect, useMemo, useState } from 'react';
import { ApiError, getJson, type RedSeries } from '../api';
import { HowToSend, Loading, Problem } from '../components';
import { linkClick, setParams, withParams } from '../router';
import { RedPanel } from './services/RedPanel';
import { ServiceMap } from './services/ServiceMap';
import { readSelection } from './services/selection';
import { TracesDrawer } from './services/TracesDrawer';
import { TimeRangePicker, useTimeRange } from './TimeRange';
import './services/services.css';

const KINDS: [string, string][] = [
  ['server,consumer', 'server + consumer spans'],
  ['all', 'every span kind'],
  ['client,producer', 'client + producer spans'],
  ['internal', 'internal spans'],
];

export function ServicesView({ params }: { params: URLSearchParams }) {
  const service = params.get('service') ?? '';
  const op = params.get('op') ?? '';
  // A service's operations default to every kind (database and internal calls too).
  const kind = params.get('kind') ?? (service ? 'all' : 'server,consumer');
  const { start, end: rangeEnd, tick } = useTimeRange(params);
  // Charts end at now: the future part of a relative range has nothing to draw.
  const end = useMemo(() => Math.min(rangeEnd, Math.ceil(Date.now() / 1000)), [rangeEnd]);
  const [red, setRed] = useState<{ step: number; series: RedSeries[] } | null>(null);
  const [error, setError] = useState<Error | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the inputs are listed; tick re-reads on auto-refresh
  useEffect(() => {
    const ac = new AbortController();
    setError(null);
    getJson<{ step: number; series: RedSeries[] }>(
      '/api/v1/red',
      {
        groupBy: service ? 'span_name' : 'service',
        service,
        spanName: op,
        spanKind: kind,
        start,
        end,
      },
      ac.signal,
    ).then(setRed, (e) => !ac.signal.aborted && setError(e));
    return () => ac.abort();
  }, [service, op, kind, start, rangeEnd, tick]);

  const sel = readSelection(params);
  const range = { start, end };
  return (
    <div className={sel ? 'with-drawer' : ''}>
      <div className="toolbar">
        {service ? (
          <>
            <a
              href={withParams({ service: undefined, op: undefined, kind: undefined, sel: undefined })}
              onClick={linkClick}
            >
              All services
            </a>{' '}
            ›{' '}
            {op ? (
              <>
                <a href={withParams({ op: undefined })} onClick={linkClick}>
                  {service}
                </a>{' '}
                › <b>{op}</b>
              </>
            ) : (
              <b>{service}</b>
            )}{' '}
            <a
              href={`/dashboards/service/${encodeURIComponent(service)}${location.search}`}
              onClick={linkClick}
              className="small"
            >
              dashboard
            </a>
          </>
        ) : (
          <b>Services</b>
        )}
        <select aria-label="span kinds" value={kind} onChange={(e) => setParams({ kind: e.target.value }, false)}>
          {KINDS.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
        <TimeRangePicker params={params} refresh />
        <span className="muted small">Click a point for the traces behind it; drag to zoom to a range.</span>
      </div>
      {error ? (
        error instanceof ApiError && error.status === 404 ? (
          <Problem title="RED metrics are not available on this server yet">{error.message}</Problem>
        ) : (
          <Problem title="Could not load RED metrics">{error.message}</Problem>
        )
      ) : red === null ? (
        <Loading what="RED metrics" />
      ) : red.series.length === 0 ? (
        <HowToSend what="services in this time range" />
      ) : (
        <div className="panels" data-testid="red-panels">
          {red.series.map((s) => (
            <RedPanel
              key={`${s.service}|${s.spanName}`}
              s={s}
              step={red.step}
              range={range}
              link={s.spanName ? undefined : withParams({ service: s.service, sel: undefined, kind: undefined })}
            />
          ))}
        </div>
      )}
      {sel ? <TracesDrawer sel={sel} /> : null}
      {service ? null : <ServiceMap start={start} end={end} tick={tick} />}
    </div>
  );
}
