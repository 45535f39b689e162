export type { StoredExemplar } from './rows';
export type { DecidedTrace, EdgeRow, GraphSpanRow } from './serviceGraph';
export type { KeepRule, RedCell, RedQuery, SpanMetricCell, SpanMetricRow, StoredSpanExemplar } from './spanMetrics';
export { DerivedStore } from './store';
export { serviceGraphEdgesSql, spanMetricsSql } from './tables';
