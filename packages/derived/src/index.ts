// Public surface of @tracehouse/derived: metrics from 100% of spans, before sampling.
// "Where does traces_spanmetrics_calls_total come from?": spanmetrics/sql.ts (the SQL that
// counts), spanmetrics/processor.ts (intervals, deltas, cardinality limit), exposition/ (/metrics).

export {
  type Exemplar,
  type Family,
  formatExposition,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  wantsOpenMetrics,
} from './exposition/format';
export { type DerivedSeries, derivedFamilies, renderMetrics } from './exposition/series';
export { HourlyRollupProcessor, type HourlyRollupStore } from './hourly/processor';
export { encodeWriteRequest, type RemoteWriteSeries, snappyLiteralBlock } from './remotewrite/encode';
export { RemoteWriteProcessor } from './remotewrite/processor';
export type { StoredExemplar } from './rows';
export { aggregateEdges, edgeKey } from './servicegraph/aggregate';
export { type Edge, type GraphSpan, pairSpans } from './servicegraph/pairing';
export { type ServiceGraphOptions, ServiceGraphProcessor } from './servicegraph/processor';
export type { EdgeRow, GraphSpanRow } from './servicegraph/sql';
export {
  bucketIndex,
  cumulative,
  LATENCY_BOUNDS_NS,
  LATENCY_BOUNDS_SECONDS,
  LATENCY_BUCKETS,
  quantile,
} from './spanmetrics/buckets';
export { CumulativeSeries } from './spanmetrics/cumulative';
export { type Dimension, parseDimensions, storedSpanKind } from './spanmetrics/labels';
export { SeriesLimiter } from './spanmetrics/overflow';
export { type SpanMetricsOptions, SpanMetricsProcessor } from './spanmetrics/processor';
export type { KeepRule, RedCell, RedQuery, SpanMetricCell, SpanMetricRow, StoredSpanExemplar } from './spanmetrics/sql';
export { DerivedStore } from './store';
