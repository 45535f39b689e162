import { NUMBER_VALUE_SQL } from '../schema/metricsHourly';
import type { OtlpFamily } from './families';
import { LABEL_NAME_SQL } from './names';

/** Prometheus's metric types, as /metadata reports them. */
export type PromType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown';

/**
 * One Prometheus metric name over one table: how a stored row becomes a sample of it. Rows are
 * either cumulative values (OTLP cumulative temporality, gauges) or increments (OTLP delta
 * temporality, the derived metrics' per-interval rows) that the reader sums into a counter.
 */
export interface Component {
  name: string;
  /** The metric family for /metadata (the name without _bucket/_sum/_count). */
  family: string;
  type: PromType;
  help: string;
  unit: string;
  table: string;
  final: boolean;
  /** Row filter beyond tenant and time (bound parameters in `params`). */
  where: string[];
  params: Record<string, unknown>;
  /** SQL of the row's labels, a Map(String, String) (empty values are dropped later). */
  labels: string;
  /** The columns `labels` (and `expand.value`) read: rows equal in them are one series. */
  labelColumns: string[];
  /**
   * SQL of a stored id equal for rows equal in `labelColumns` (and perhaps split further), cheaper
   * to read than hashing them; a hash of `labelColumns` when unset.
   */
  seriesId?: string;
  /**
   * The label columns are large (attribute maps): a read takes them from each series' newest
   * row only, at the cost of another pass over the cheap columns.
   */
  wideLabels?: boolean;
  /**
   * Labels that are one column each (`service` is `ServiceName`), so a matcher on them can filter
   * rows before labels are built, through the table's primary key; rows where `overflow` is true
   * carry OVERFLOW_LABELS instead.
   */
  columnLabels?: { labels: Readonly<Record<string, string>>; overflow: string };
  /**
   * One sample per array element (buckets, quantiles): the label it sets, that label's value
   * for element `i` (1-based), and the array whose elements are enumerated.
   */
  expand?: {
    label: 'le' | 'quantile';
    value: string;
    over: string;
  };
  /** SQL of a row's value; for an expanded component, of its elements' values as one array. */
  value: string;
  /**
   * The table's rows are also summed per hour (schema/derivedHourly.ts): the time before the
   * range is read from the hours summed, and from the rows for the rest.
   */
  hourly?: boolean;
  /**
   * The hourly table's column of this component's value at each interval of the hour
   * (HourlyRollup.intervals, equal to `value` over one interval): a read takes the samples of
   * the hours summed from it, one row per series and hour.
   */
  hourlyIntervals?: string;
  /**
   * The `metrics_hourly` column of this component's value at each point of the hour (equal to
   * `value` over one point; schema/metricsHourly.ts): a read of cumulative points takes the
   * hours rolled up from it, one row per series and hour.
   */
  metricHours?: 'Values' | 'Counts';
  /** Row time (ms) and, for increments, the start of the interval they cover. */
  time: string;
  intervalStart?: string;
  increments: boolean;
  /** The derived metrics are served as /metrics serves them: a sample every interval while live. */
  fill: boolean;
  /**
   * Where the rows' exemplars go: on this series (`series`), or on the `_bucket` series of their
   * bucket (`derivedBucket`: the stored bucket index; `otlpBucket`: the first bound >= the value).
   */
  exemplars?: 'series' | 'derivedBucket' | 'otlpBucket';
}

const NUMBER = NUMBER_VALUE_SQL;

/** job = service.namespace/service.name, instance = service.instance.id, then the point's attributes. */
const OTLP_LABELS = `mapUpdate(
  mapApply((k, v) -> (${LABEL_NAME_SQL}, v), Attributes),
  map('job', if(ResourceAttributes['service.name'] = '', '',
        if(ResourceAttributes['service.namespace'] = '', ResourceAttributes['service.name'],
          concat(ResourceAttributes['service.namespace'], '/', ResourceAttributes['service.name']))),
      'instance', ResourceAttributes['service.instance.id']))`;

const OTLP_TIME = 'toUnixTimestamp64Milli(TimeUnix)';

/** Per-bucket counts as the cumulative `_bucket` values (bucket i counts everything <= its bound). */
const CUMULATIVE = (counts: string) => `arrayMap(x -> toFloat64(x), arrayCumSum(${counts}))`;

/** `le` of bucket i (1-based) of explicit bounds; the last bucket is +Inf. */
const leOf = (bounds: string) => `if(i > length(${bounds}), '+Inf', toString(${bounds}[i]))`;

export function otlpComponents(f: OtlpFamily): Component[] {
  const base = {
    family: f.baseName,
    help: f.help,
    unit: f.unit,
    table: f.table,
    final: false,
    where: ['MetricName = {metricName:String}', 'MetricUnit = {unit:String}'],
    params: { metricName: f.metricName, unit: f.unit },
    labels: OTLP_LABELS,
    labelColumns: ['Attributes', 'ResourceAttributes'],
    seriesId: 'SeriesId',
    wideLabels: true,
    time: OTLP_TIME,
    increments: f.delta,
    fill: false,
  };
  const temporality = { where: [...base.where, `AggregationTemporality = ${f.delta ? 1 : 2}`] };
  const histogramTotals: Component[] = [
    {
      ...base,
      ...temporality,
      name: `${f.baseName}_sum`,
      type: 'histogram',
      value: 'ifNull(Sum, nan)',
      metricHours: 'Values',
    },
    {
      ...base,
      ...temporality,
      name: `${f.baseName}_count`,
      type: 'histogram',
      value: 'toFloat64(Count)',
      metricHours: 'Counts',
    },
  ];
  switch (f.kind) {
    case 'gauge':
      return [
        {
          ...base,
          name: f.baseName,
          type: 'gauge',
          value: NUMBER,
          increments: false,
          exemplars: 'series',
          metricHours: 'Values',
        },
      ];
    case 'counter':
    case 'nonMonotonicSum':
      return [
        {
          ...base,
          ...temporality,
          where: [...temporality.where, `IsMonotonic = ${f.kind === 'counter'}`],
          name: f.baseName,
          type: f.kind === 'counter' ? 'counter' : 'gauge',
          value: NUMBER,
          exemplars: 'series',
          metricHours: 'Values',
        },
      ];
    case 'histogram':
      return [
        {
          ...base,
          ...temporality,
          name: `${f.baseName}_bucket`,
          type: 'histogram',
          labelColumns: [...base.labelColumns, 'ExplicitBounds'],
          expand: { label: 'le', value: leOf('ExplicitBounds'), over: 'BucketCounts' },
          value: CUMULATIVE('BucketCounts'),
          exemplars: 'otlpBucket',
        },
        ...histogramTotals,
      ];
    case 'expHistogram':
      // Exponential buckets are not turned into classic ones: only count and sum are served.
      return [...histogramTotals];
    case 'summary':
      return [
        {
          ...base,
          name: f.baseName,
          type: 'summary',
          increments: false,
          labelColumns: [...base.labelColumns, '`ValueAtQuantiles.Quantile`'],
          expand: {
            label: 'quantile',
            value: 'toString(`ValueAtQuantiles.Quantile`[i])',
            over: '`ValueAtQuantiles.Quantile`',
          },
          value: '`ValueAtQuantiles.Value`',
        },
        { ...base, name: `${f.baseName}_sum`, type: 'summary', value: 'Sum', increments: false, metricHours: 'Values' },
        {
          ...base,
          name: `${f.baseName}_count`,
          type: 'summary',
          value: 'toFloat64(Count)',
          increments: false,
          metricHours: 'Counts',
        },
      ];
  }
}

/** The labels of an overflow row (the derived metrics' cardinality limit folded its label set). */
export const OVERFLOW_LABELS: Readonly<Record<string, string>> = { otel_metric_overflow: 'true' };

/** Tempo's fixed span-metrics labels, each from one column. */
const SPAN_COLUMN_LABELS = {
  service: 'ServiceName',
  span_name: 'SpanName',
  span_kind: `concat('SPAN_KIND_', upper(if(SpanKind = '', 'Unspecified', SpanKind)))`,
  status_code: `concat('STATUS_CODE_', upper(if(StatusCode = '', 'Unset', StatusCode)))`,
};
const EDGE_COLUMN_LABELS = { client: 'Client', server: 'Server', connection_type: 'ConnectionType' };

const mapOf = (labels: Record<string, string>) =>
  `map(${Object.entries(labels)
    .map(([name, sql]) => `'${name}', ${sql}`)
    .join(', ')})`;
/** The same labels as OVERFLOW_LABELS, in SQL. */
const overflowOr = (labels: string) => `if(Overflow, map('otel_metric_overflow', 'true'), ${labels})`;

/** Tempo's labels of a span-metrics series: the dimensions, then the fixed labels over them. */
const SPAN_LABELS = overflowOr(`mapUpdate(Dimensions, ${mapOf(SPAN_COLUMN_LABELS)})`);
const EDGE_LABELS = overflowOr(mapOf(EDGE_COLUMN_LABELS));

/** The derived metrics under their Tempo names; `bounds` are the latency buckets in seconds. */
export function derivedComponents(bounds: readonly number[]): Component[] {
  const derived = {
    unit: '',
    final: true,
    where: [],
    params: { bounds: [...bounds] },
    time: 'toUnixTimestamp64Milli(WindowEnd)',
    intervalStart: 'toUnixTimestamp64Milli(WindowStart)',
    increments: true,
    fill: true,
  };
  const span = {
    ...derived,
    table: 'span_metrics',
    hourly: true,
    labels: SPAN_LABELS,
    labelColumns: ['Overflow', 'Dimensions', 'ServiceName', 'SpanName', 'SpanKind', 'StatusCode'],
    // A hash of the key the processor wrote for the row's labels (with its tenant).
    seriesId: 'SeriesId',
    columnLabels: { labels: SPAN_COLUMN_LABELS, overflow: 'Overflow' },
  };
  const edge = {
    ...derived,
    table: 'service_graph_edges',
    hourly: true,
    labels: EDGE_LABELS,
    labelColumns: ['Overflow', 'Client', 'Server', 'ConnectionType'],
    columnLabels: { labels: EDGE_COLUMN_LABELS, overflow: 'Overflow' },
  };
  const histogram = (
    on: typeof span | typeof edge,
    family: string,
    help: string,
    buckets: string,
    sum: string,
    exemplars: boolean,
  ): Component[] => [
    {
      ...on,
      name: `${family}_bucket`,
      family,
      type: 'histogram',
      help,
      exemplars: exemplars ? 'derivedBucket' : undefined,
      expand: { label: 'le', value: leOf('{bounds:Array(Float64)}'), over: buckets },
      value: CUMULATIVE(buckets),
    },
    { ...on, name: `${family}_sum`, family, type: 'histogram', help, value: sum, hourlyIntervals: `Interval${sum}` },
    {
      ...on,
      name: `${family}_count`,
      family,
      type: 'histogram',
      help,
      value: `toFloat64(arraySum(${buckets}))`,
      hourlyIntervals: `Interval${sum.replace(/Sum$/, 'Count')}`,
    },
  ];
  return [
    {
      ...span,
      name: 'traces_spanmetrics_calls_total',
      family: 'traces_spanmetrics_calls',
      type: 'counter',
      help: 'Spans received (every span, before sampling) per service, span name, kind and status',
      value: 'toFloat64(Calls)',
      hourlyIntervals: 'IntervalCalls',
    },
    ...histogram(
      span,
      'traces_spanmetrics_latency',
      'Span duration in seconds (every span, before sampling)',
      'LatencyBuckets',
      'LatencySum',
      true,
    ),
    {
      ...edge,
      name: 'traces_service_graph_request_total',
      family: 'traces_service_graph_request',
      type: 'counter',
      help: 'Requests between two services (or a service and a virtual node) from complete traces',
      value: 'toFloat64(Requests)',
      hourlyIntervals: 'IntervalRequests',
    },
    {
      ...edge,
      name: 'traces_service_graph_request_failed_total',
      family: 'traces_service_graph_request_failed',
      type: 'counter',
      help: 'Requests where the client or the server span has status ERROR',
      value: 'toFloat64(Failed)',
      hourlyIntervals: 'IntervalFailed',
    },
    ...histogram(
      edge,
      'traces_service_graph_request_server_seconds',
      'Server span duration of an edge, in seconds',
      'ServerLatencyBuckets',
      'ServerLatencySum',
      true,
    ),
    ...histogram(
      edge,
      'traces_service_graph_request_client_seconds',
      'Client span duration of an edge, in seconds',
      'ClientLatencyBuckets',
      'ClientLatencySum',
      false,
    ),
  ];
}
