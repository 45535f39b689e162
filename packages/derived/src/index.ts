// Public surface of @tracehouse/pipeline: pure logic shared by the server and the store.
// Each area (sampling, redaction, span metrics, service graph) exports from its own folder.

export {
  BUILTIN_RULES as REDACTION_RULES,
  luhnValid,
  type RedactionConfig,
  type RedactionCounts,
  Redactor,
} from './redaction/index';
export {
  type Decision,
  evaluate,
  latencyThresholdNs,
  type SampledSpan,
  spanMatches,
  withThreshold,
} from './sampling/evaluate';
export { durationMs, parseRules } from './sampling/parse';
export {
  adjustedCount,
  decodeThreshold,
  encodeThreshold,
  isKeptAt,
  MAX_THRESHOLD,
  randomnessOf,
  thresholdFor,
} from './sampling/probability';
export {
  type Action,
  type AttributeCondition,
  type AttributeScope,
  type Condition,
  describeRule,
  type ErrorCondition,
  type LatencyCondition,
  type Rule,
  ruleWarnings,
  type SamplingPolicyOptions,
  samplingPolicy,
} from './sampling/rules';
export { aggregateEdges, type EdgeStats, edgeKey } from './servicegraph/aggregate';
export {
  type ConnectionType,
  DATABASE_NAME_ATTRIBUTES,
  type Edge,
  GRAPH_ATTRIBUTES,
  type GraphSpan,
  type Pairing,
  PEER_ATTRIBUTES,
  pairSpans,
} from './servicegraph/pairing';
export {
  addHistogram,
  bucketIndex,
  clampDurationNs,
  cumulative,
  emptyHistogram,
  exemplarsByBucket,
  type Histogram,
  LATENCY_BOUNDS_NS,
  LATENCY_BOUNDS_SECONDS,
  LATENCY_BUCKETS,
  observe,
  quantile,
} from './spanmetrics/buckets';
export { CumulativeSeries, type SeriesDelta } from './spanmetrics/cumulative';
export {
  type CounterFamily,
  type Exemplar,
  type Family,
  formatExposition,
  type HistogramFamily,
  type LabelPairs,
  OPENMETRICS_CONTENT_TYPE,
  type PlainFamily,
  PROMETHEUS_CONTENT_TYPE,
  wantsOpenMetrics,
} from './spanmetrics/exposition';
export {
  type Dimension,
  INTRINSIC_LABELS,
  parseDimensions,
  sanitizeLabelName,
  spanKindLabel,
  statusCodeLabel,
  storedSpanKind,
} from './spanmetrics/labels';
export {
  OVERFLOW_KEY,
  OVERFLOW_LABELS,
  SeriesLimiter,
  seriesKey,
  seriesTenant,
  tenantSeriesKey,
} from './spanmetrics/overflow';
export { encodeWriteRequest, type RemoteWriteSeries, snappyLiteralBlock } from './spanmetrics/remoteWrite';
