// The default chart of a metric, by its type: rate for counters, quantiles for histograms,
// the value for gauges. Pure, so it is tested without a browser.
import type { PromQuery } from './PromChart';
import type { MetricMetadata } from './prom';

export interface Selection {
  metric: string;
  /** label -> value (equality matchers). */
  filters: Record<string, string>;
  groupBy: string[];
}

/** PromQL string literal (Go-style escapes, as the grammar reads them). */
export const quote = (v: string) => JSON.stringify(v);

export function matchers(filters: Record<string, string>, extra: string[] = []): string {
  const parts = [...Object.entries(filters).map(([k, v]) => `${k}=${quote(v)}`), ...extra];
  return parts.length ? `{${parts.join(', ')}}` : '';
}

const by = (labels: string[]) => (labels.length ? ` by (${labels.join(', ')})` : '');

export function defaultQueries(s: Selection, meta: MetricMetadata | undefined, window: string): PromQuery[] {
  const sel = matchers(s.filters);
  const legend = s.groupBy.length ? s.groupBy.map((l) => `{{${l}}}`).join(' ') : undefined;
  switch (meta?.type) {
    case 'counter':
      return [{ expr: `sum${by(s.groupBy)} (rate(${s.metric}${sel}[${window}]))`, legend }];
    case 'histogram':
      return [0.5, 0.95, 0.99].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (${['le', ...s.groupBy].join(', ')}) (rate(${s.metric}_bucket${sel}[${window}])))`,
        legend: `p${q * 100}${legend ? ` ${legend}` : ''}`,
      }));
    case 'summary':
      return [
        { expr: `${s.metric}${matchers(s.filters)}`, legend: legend ? `{{quantile}} ${legend}` : '{{quantile}}' },
      ];
    default:
      return s.groupBy.length
        ? [{ expr: `avg${by(s.groupBy)} (${s.metric}${sel})`, legend }]
        : [{ expr: `${s.metric}${sel}` }];
  }
}

/** How a default chart's values read: a counter's rate is per second; a histogram's quantiles are in its unit. */
export function chartUnitName(meta: MetricMetadata | undefined): string {
  if (meta?.type === 'counter') return 'perSecond';
  return meta?.unit ?? '';
}
