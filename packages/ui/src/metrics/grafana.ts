// Grafana dashboard JSON -> a tracehouse dashboard. Panels whose targets are PromQL become
// panels (one per target); rows are flattened; `label_values(metric, label)` query variables
// become variables. Anything else (other data sources, transformations) is skipped and listed.
import type { Dashboard, Panel, Variable } from './dashboard';

interface GrafanaTarget {
  expr?: string;
  legendFormat?: string;
  hide?: boolean;
  datasource?: { type?: string } | string;
}
interface GrafanaPanel {
  title?: string;
  type?: string;
  targets?: GrafanaTarget[];
  panels?: GrafanaPanel[];
  fieldConfig?: { defaults?: { unit?: string } };
  yaxes?: { format?: string }[];
}

const UNITS: Record<string, string> = {
  reqps: 'perSecond',
  ops: 'perSecond',
  rps: 'perSecond',
  s: 'seconds',
  percentunit: 'ratio',
  bytes: 'bytes',
  decbytes: 'bytes',
};

function isPrometheus(t: GrafanaTarget): boolean {
  const ds = typeof t.datasource === 'string' ? t.datasource : t.datasource?.type;
  return !ds || /prom|\$\{?DS|\$datasource/i.test(ds);
}

export function fromGrafana(json: unknown): { dashboard: Dashboard; skipped: string[] } {
  if (!json || typeof json !== 'object') throw new Error('not a Grafana dashboard: expected a JSON object');
  const g = ((json as { dashboard?: unknown }).dashboard ?? json) as {
    title?: string;
    panels?: GrafanaPanel[];
    rows?: { panels?: GrafanaPanel[] }[];
    templating?: { list?: { name?: string; type?: string; query?: unknown; current?: { value?: unknown } }[] };
  };
  const all: GrafanaPanel[] = [];
  const walk = (ps: GrafanaPanel[] | undefined) => {
    for (const p of ps ?? []) {
      if (p.type === 'row') walk(p.panels);
      else all.push(p);
    }
  };
  walk(g.panels);
  for (const r of g.rows ?? []) walk(r.panels);
  const panels: Panel[] = [];
  const skipped: string[] = [];
  for (const p of all) {
    const targets = (p.targets ?? []).filter((t) => !t.hide);
    const prom = targets.filter((t) => t.expr && isPrometheus(t));
    if (!prom.length) {
      skipped.push(p.title || p.type || 'untitled panel');
      continue;
    }
    const unit = UNITS[p.fieldConfig?.defaults?.unit ?? p.yaxes?.[0]?.format ?? ''] ?? 'short';
    prom.forEach((t, i) => {
      panels.push({
        title: prom.length > 1 ? `${p.title ?? 'panel'} (${i + 1})` : (p.title ?? 'panel'),
        expr: t.expr!,
        unit,
        ...(t.legendFormat && t.legendFormat !== '__auto' ? { legend: t.legendFormat } : {}),
      });
    });
  }
  const variables: Variable[] = [];
  for (const v of g.templating?.list ?? []) {
    if (v.type !== 'query' || !v.name) continue;
    const q = typeof v.query === 'string' ? v.query : ((v.query as { query?: string } | undefined)?.query ?? '');
    const m = /^label_values\(\s*(?:([^,]+?)\s*,\s*)?([A-Za-z_]\w*)\s*\)$/.exec(q.trim());
    if (!m) {
      skipped.push(`variable ${v.name}`);
      continue;
    }
    const current = v.current?.value;
    variables.push({
      name: v.name,
      label: m[2],
      ...(m[1] ? { metric: m[1] } : {}),
      ...(typeof current === 'string' && !current.startsWith('$') ? { default: current } : {}),
    });
  }
  return { dashboard: { title: g.title ?? 'Imported dashboard', panels, variables }, skipped };
}
