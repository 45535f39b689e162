import { DEFAULT_TENANT, tenantKey, tenantName } from '@tracehouse/store';
import type { Registry } from 'prom-client';
import { LATENCY_BOUNDS_SECONDS } from '../spanmetrics/buckets';
import type { CumulativeSeries } from '../spanmetrics/cumulative';
import {
  type Family,
  formatExposition,
  type LabelPairs,
  OPENMETRICS_CONTENT_TYPE,
  type PlainFamily,
  PROMETHEUS_CONTENT_TYPE,
} from './format';

/** The derived metrics' cumulative series, as the processors keep them. */
export interface DerivedSeries {
  spanMetrics?: CumulativeSeries;
  serviceGraph?: CumulativeSeries;
}

/** prom-client's metrics as plain families, so one writer serves both formats. */
async function selfFamilies(registry: Registry): Promise<PlainFamily[]> {
  const metrics = await registry.getMetricsAsJSON();
  return metrics.map((m) => ({
    type: String(m.type) as PlainFamily['type'],
    name: m.name,
    help: m.help,
    plain: true,
    samples: m.values.map((v) => {
      const sample = v as { value: number; labels: Record<string, string | number>; metricName?: string };
      return {
        name: sample.metricName ?? m.name,
        labels: Object.entries(sample.labels).map(([k, l]) => [k, String(l)] as [string, string]),
        value: sample.value,
      };
    }),
  }));
}

/** Which series a scrape takes: one tenant's, or every tenant's (remote write). */
type TenantScope = { tenant: string } | 'all';

/**
 * One scrape of a set of cumulative series. With 'all', a series of a tenant other than the
 * default one gets a `tenant` label, so that tenants' series stay apart downstream.
 */
function scrapeSeries(series: CumulativeSeries, openMetrics: boolean, scope: TenantScope) {
  if (scope !== 'all') {
    const key = tenantKey(scope.tenant);
    return series.scrape(openMetrics, (tenant) => tenant === key);
  }
  return series.scrape(openMetrics).map((s) => {
    const tenant = s.state.tenant;
    if (!tenant) return s;
    const labels: LabelPairs = [['tenant', tenantName(tenant)], ...s.state.labels];
    return { ...s, state: { ...s.state, labels } };
  });
}

function spanMetricFamilies(series: CumulativeSeries, openMetrics: boolean, scope: TenantScope): Family[] {
  const snap = scrapeSeries(series, openMetrics, scope);
  return [
    {
      type: 'counter',
      name: 'traces_spanmetrics_calls',
      help: 'Spans received (every span, before sampling) per service, span name, kind and status',
      samples: snap.map((s) => ({ labels: s.state.labels, value: s.state.counters.calls ?? 0 })),
    },
    {
      type: 'histogram',
      name: 'traces_spanmetrics_latency',
      help: 'Span duration in seconds (every span, before sampling)',
      bounds: LATENCY_BOUNDS_SECONDS,
      samples: snap.map((s) => ({ labels: s.state.labels, ...s.state.histograms.latency! })),
    },
  ];
}

function serviceGraphFamilies(series: CumulativeSeries, openMetrics: boolean, scope: TenantScope): Family[] {
  const snap = scrapeSeries(series, openMetrics, scope);
  const histogram = (name: string, side: 'server' | 'client', help: string): Family => ({
    type: 'histogram',
    name,
    help,
    bounds: LATENCY_BOUNDS_SECONDS,
    samples: snap.map((s) => ({ labels: s.state.labels, ...s.state.histograms[side]! })),
  });
  return [
    {
      type: 'counter',
      name: 'traces_service_graph_request',
      help: 'Requests between two services (or a service and a virtual node) from complete traces',
      samples: snap.map((s) => ({ labels: s.state.labels, value: s.state.counters.requests ?? 0 })),
    },
    {
      type: 'counter',
      name: 'traces_service_graph_request_failed',
      help: 'Requests where the client or the server span has status ERROR',
      samples: snap.map((s) => ({ labels: s.state.labels, value: s.state.counters.failed ?? 0 })),
    },
    histogram('traces_service_graph_request_server_seconds', 'server', 'Server span duration of an edge, in seconds'),
    histogram('traces_service_graph_request_client_seconds', 'client', 'Client span duration of an edge, in seconds'),
  ];
}

/** The derived families, one scrape of their cumulative series (exemplars handed out once). */
export function derivedFamilies(derived: DerivedSeries, withExemplars: boolean, scope: TenantScope): Family[] {
  return [
    ...(derived.spanMetrics ? spanMetricFamilies(derived.spanMetrics, withExemplars, scope) : []),
    ...(derived.serviceGraph ? serviceGraphFamilies(derived.serviceGraph, withExemplars, scope) : []),
  ];
}

/**
 * /metrics: the derived metrics of the scraper's tenant, plus tracehouse's own metrics for the
 * default tenant (they describe the whole deployment), as OpenMetrics 1.0 (with exemplars) when
 * the scraper asks for it, Prometheus text 0.0.4 otherwise.
 */
export async function renderMetrics(
  registry: Registry,
  derived: DerivedSeries,
  openMetrics: boolean,
  tenant: string,
): Promise<{ contentType: string; body: string }> {
  const families: Family[] = [
    ...(tenant === DEFAULT_TENANT ? await selfFamilies(registry) : []),
    ...derivedFamilies(derived, openMetrics, { tenant }),
  ];
  return {
    contentType: openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE,
    body: formatExposition(families, openMetrics),
  };
}
