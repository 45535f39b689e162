// Dashboards: /dashboards lists the tenant's saved ones (new, import from Grafana JSON);
// /dashboards/<id> shows one (variables as `var-<name>` in the URL, like Grafana, so a link
// reproduces it) and edits it.
import { useEffect, useMemo, useState } from 'react';
import { ApiError, getJson } from '../api';
import type { Unit } from '../charts/units';
import { Loading, Problem } from '../components';
import { linkClick, navigate, setParams } from '../router';
import { TimeRangePicker, useTimeRange } from '../views/TimeRange';
import { applyVariables, type Dashboard, type Panel, slug } from './dashboard';
import { fromGrafana } from './grafana';
import { PromChart } from './PromChart';
import { labelValues, stepFor } from './prom';
import './metrics.css';

const UNITS: Unit[] = ['short', 'perSecond', 'seconds', 'ratio', 'bytes'];

async function send(method: 'PUT' | 'DELETE', path: string, body?: unknown): Promise<void> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    let msg = `${res.status} ${res.statusText}`;
    try {
      msg = ((await res.json()) as { error?: string }).error ?? msg;
    } catch {}
    throw new ApiError(res.status, msg);
  }
}

export const saveDashboard = (id: string, d: Dashboard) =>
  send('PUT', `/api/v1/dashboards/${encodeURIComponent(id)}`, {
    title: d.title,
    definition: { panels: d.panels, variables: d.variables },
  });

export function DashboardList() {
  const [list, setList] = useState<{ id: string; title: string; updatedBy: string }[] | null>(null);
  const [error, setError] = useState('');
  const [title, setTitle] = useState('');
  const [json, setJson] = useState('');
  useEffect(() => {
    getJson<{ dashboards: { id: string; title: string; updatedBy: string }[] }>('/api/v1/dashboards').then(
      (r) => setList(r.dashboards),
      (e) => setError(e.message),
    );
  }, []);
  const create = async (d: Dashboard) => {
    try {
      const id = slug(d.title);
      await saveDashboard(id, d);
      navigate(`/dashboards/${id}`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div>
      <div className="toolbar">
        <b>Dashboards</b>
        <span className="muted small">
          Every service has one automatically (Services › a service › dashboard); these are the ones users saved.
        </span>
      </div>
      {error ? <Problem title="Dashboards">{error}</Problem> : null}
      {list === null ? (
        <Loading what="dashboards" />
      ) : (
        <table className="list" data-testid="dashboard-list">
          <tbody>
            {list.map((d) => (
              <tr key={d.id}>
                <td>
                  <a href={`/dashboards/${d.id}`} onClick={linkClick}>
                    {d.title}
                  </a>
                </td>
                <td className="muted">saved by {d.updatedBy}</td>
              </tr>
            ))}
            {list.length === 0 ? (
              <tr>
                <td className="muted">No saved dashboards yet.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      )}
      <div className="panels" style={{ marginTop: 14 }}>
        <form
          className="panel"
          onSubmit={(e) => {
            e.preventDefault();
            if (title.trim()) create({ title: title.trim(), panels: [], variables: [] });
          }}
        >
          <h4>New dashboard</h4>
          <input
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            placeholder="title"
            aria-label="new dashboard title"
          />{' '}
          <button type="submit">Create</button>
        </form>
        <form
          className="panel dash-edit"
          onSubmit={(e) => {
            e.preventDefault();
            try {
              const { dashboard, skipped } = fromGrafana(JSON.parse(json));
              if (skipped.length) setError(`skipped (not PromQL): ${skipped.join(', ')}`);
              create(dashboard);
            } catch (err) {
              setError(`import: ${(err as Error).message}`);
            }
          }}
        >
          <h4>Import a Grafana dashboard (JSON, PromQL panels)</h4>
          <textarea
            value={json}
            onChange={(e) => setJson(e.target.value)}
            aria-label="grafana json"
            placeholder="{ … }"
          />
          <button type="submit">Import</button>
        </form>
      </div>
    </div>
  );
}

export function DashboardView({ id, params }: { id: string; params: URLSearchParams }) {
  const [d, setD] = useState<Dashboard | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState('');
  useEffect(() => {
    setD(null);
    getJson<{ title: string; definition: { panels: Panel[]; variables?: Dashboard['variables'] } }>(
      `/api/v1/dashboards/${encodeURIComponent(id)}`,
    ).then(
      (r) => setD({ title: r.title, panels: r.definition.panels, variables: r.definition.variables ?? [] }),
      setError,
    );
  }, [id]);
  if (error) return <Problem title={`Dashboard ${id}`}>{error.message}</Problem>;
  if (!d) return <Loading what="dashboard" />;
  const save = async () => {
    try {
      await saveDashboard(id, d);
      setSaved('saved');
      setEditing(false);
    } catch (e) {
      setSaved((e as Error).message);
    }
  };
  return (
    <PanelsPage
      title={d.title}
      dashboard={d}
      params={params}
      tools={
        <>
          <button type="button" onClick={() => setEditing(!editing)} data-testid="dash-edit">
            {editing ? 'Done' : 'Edit'}
          </button>
          {editing ? (
            <button type="button" onClick={save} data-testid="dash-save">
              Save
            </button>
          ) : null}
          <span className="muted small" data-testid="dash-saved">
            {saved}
          </span>
        </>
      }
      editor={editing ? <Editor d={d} onChange={setD} /> : null}
    />
  );
}

/** The variables, the time range and the grid of PromQL panels of a dashboard. */
export function PanelsPage({
  title,
  dashboard,
  params,
  tools,
  editor,
  before,
}: {
  title: React.ReactNode;
  dashboard: Dashboard;
  params: URLSearchParams;
  tools?: React.ReactNode;
  editor?: React.ReactNode;
  before?: React.ReactNode;
}) {
  const { start, end: rangeEnd, tick } = useTimeRange(params);
  const end = useMemo(() => Math.min(rangeEnd, Math.ceil(Date.now() / 1000)), [rangeEnd]);
  const values: Record<string, string> = {};
  for (const v of dashboard.variables) values[v.name] = params.get(`var-${v.name}`) ?? v.default ?? '';
  const step = stepFor(start, end);
  return (
    <div>
      <div className="toolbar">
        <b data-testid="dash-title">{title}</b>
        {dashboard.variables.map((v) => (
          <VariablePicker key={v.name} v={v} value={values[v.name]} start={start} end={end} />
        ))}
        <TimeRangePicker params={params} refresh />
        {tools}
      </div>
      {editor}
      {before}
      <div className="dash-grid" data-testid="dash-panels">
        {dashboard.panels.map((p, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: panels have no id; their order is their identity
          <div className="panel dash-panel" key={i} data-testid="dash-panel">
            <h4>{applyVariables(p.title, values, step)}</h4>
            <PromChart
              queries={[{ expr: applyVariables(p.expr, values, step), legend: p.legend, language: p.query }]}
              // A TraceQL panel's answer carries its exemplars (points that open their trace).
              exemplars={p.query === 'traceql'}
              start={start}
              end={end}
              unit={(UNITS.includes(p.unit as Unit) ? p.unit : 'short') as Unit}
              height={170}
              tick={tick}
            />
          </div>
        ))}
      </div>
    </div>
  );
}

function VariablePicker({
  v,
  value,
  start,
  end,
}: {
  v: Dashboard['variables'][number];
  value: string;
  start: number;
  end: number;
}) {
  const [options, setOptions] = useState<string[]>([]);
  useEffect(() => {
    if (!v.label) return;
    const ac = new AbortController();
    labelValues(v.label, { match: v.metric ? [v.metric] : undefined, start, end }, ac.signal).then(
      setOptions,
      () => {},
    );
    return () => ac.abort();
  }, [v.label, v.metric, start, end]);
  return (
    <label className="small">
      {v.name}{' '}
      <select
        aria-label={`variable ${v.name}`}
        value={value}
        onChange={(e) => setParams({ [`var-${v.name}`]: e.target.value }, false)}
      >
        {[...new Set([value, ...options])].map((o) => (
          <option key={o} value={o}>
            {o || '(none)'}
          </option>
        ))}
      </select>
    </label>
  );
}

function Editor({ d, onChange }: { d: Dashboard; onChange: (d: Dashboard) => void }) {
  const set = (i: number, p: Partial<Panel>) =>
    onChange({ ...d, panels: d.panels.map((x, k) => (k === i ? { ...x, ...p } : x)) });
  return (
    <div className="panel dash-edit" data-testid="dash-editor" style={{ marginBottom: 10 }}>
      <label>
        Title <input value={d.title} onChange={(e) => onChange({ ...d, title: e.target.value })} aria-label="title" />
      </label>
      <h4>Panels (PromQL or TraceQL metrics; $name uses a variable)</h4>
      {d.panels.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: panels have no id
        <div className="panel-editor" key={i}>
          <input
            value={p.title}
            onChange={(e) => set(i, { title: e.target.value })}
            aria-label={`panel ${i + 1} title`}
          />
          <select
            value={p.query ?? 'promql'}
            onChange={(e) => set(i, { query: e.target.value === 'traceql' ? 'traceql' : undefined })}
            aria-label={`panel ${i + 1} language`}
          >
            <option value="promql">PromQL</option>
            <option value="traceql">TraceQL metrics</option>
          </select>
          <input
            value={p.expr}
            onChange={(e) => set(i, { expr: e.target.value })}
            aria-label={`panel ${i + 1} query`}
            placeholder={p.query === 'traceql' ? '{ status = error } | rate() by (resource.service.name)' : 'PromQL'}
          />
          <select value={p.unit ?? 'short'} onChange={(e) => set(i, { unit: e.target.value })} aria-label="unit">
            {UNITS.map((u) => (
              <option key={u}>{u}</option>
            ))}
          </select>
          <button type="button" onClick={() => onChange({ ...d, panels: d.panels.filter((_, k) => k !== i) })}>
            remove
          </button>
        </div>
      ))}
      <button
        type="button"
        data-testid="dash-add-panel"
        onClick={() => onChange({ ...d, panels: [...d.panels, { title: 'new panel', expr: '', unit: 'short' }] })}
      >
        Add panel
      </button>{' '}
      <button
        type="button"
        onClick={() => {
          const name = prompt('variable name (used as $name)')?.trim();
          const label = name && prompt('label whose values it offers', name)?.trim();
          if (name && label) onChange({ ...d, variables: [...d.variables, { name, label }] });
        }}
      >
        Add variable
      </button>{' '}
      <span className="muted small">
        Variables: {d.variables.map((v) => `$${v.name} (${v.label})`).join(', ') || 'none'}
      </span>
    </div>
  );
}
