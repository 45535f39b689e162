import type {
  ExpHistogramPoint,
  GaugePoint,
  HistogramPoint,
  MetricBatch,
  ResourceScopeColumns,
  SummaryPoint,
  SumPoint,
} from '../model';
import { groupByResourceAndScope, type ResourceGroup } from './grouping';

export type MetricGroup =
  | { kind: 'gauge'; points: GaugePoint[] }
  | { kind: 'sum'; points: SumPoint[] }
  | { kind: 'histogram'; points: HistogramPoint[] }
  | { kind: 'expHistogram'; points: ExpHistogramPoint[] }
  | { kind: 'summary'; points: SummaryPoint[] };

type Kind = MetricGroup['kind'];
type AnyPoint = MetricGroup['points'][number];
const KINDS: readonly Kind[] = ['gauge', 'sum', 'histogram', 'expHistogram', 'summary'];

export const metricColumnsOf = (metric: MetricGroup): ResourceScopeColumns => metric.points[0];

/**
 * Rebuilds Metric messages from the flat points: points of one resource and scope that share
 * name, description, unit, metadata, type (and temporality and monotonicity) form one metric.
 */
export function groupMetrics(batch: MetricBatch): ResourceGroup<MetricGroup>[] {
  const tagged: { kind: Kind; point: AnyPoint }[] = [];
  for (const kind of KINDS) for (const point of batch[kind]) tagged.push({ kind, point });
  return groupByResourceAndScope(tagged, (t) => t.point).map((resource) => {
    const scopes = resource.scopes.map((scope) => {
      const metrics = new Map<string, MetricGroup>();
      for (const { kind, point } of scope.items) {
        const key = metricKey(kind, point);
        const metric = metrics.get(key);
        if (metric === undefined) metrics.set(key, { kind, points: [point] } as MetricGroup);
        else (metric.points as AnyPoint[]).push(point);
      }
      const items = [...metrics.values()];
      return { first: items[0], items };
    });
    return { first: scopes[0].first, scopes };
  });
}

function metricKey(kind: Kind, p: AnyPoint): string {
  return JSON.stringify([
    kind,
    p.MetricName,
    p.MetricDescription,
    p.MetricUnit,
    p.MetricMetadata,
    p.MetricMetadataTypes,
    'AggregationTemporality' in p ? p.AggregationTemporality : 0,
    'IsMonotonic' in p ? p.IsMonotonic : false,
  ]);
}
