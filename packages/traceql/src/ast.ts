/** The abstract syntax of the TraceQL subset tracehouse understands. */

export type Scope = 'span' | 'resource' | 'any';

/** Intrinsic names after alias folding (`span:name` -> `name`, `rootServiceName` -> `trace:rootService`). */
export type IntrinsicName =
  | 'name'
  | 'status'
  | 'statusMessage'
  | 'duration'
  | 'kind'
  | 'trace:duration'
  | 'trace:rootName'
  | 'trace:rootService'
  | 'trace:id'
  | 'span:id'
  | 'span:parentID';

export type Field =
  | { kind: 'intrinsic'; name: IntrinsicName; pos: number }
  | { kind: 'attribute'; scope: Scope; key: string; pos: number };

export type StatusValue = 'error' | 'ok' | 'unset';
export type KindValue = 'server' | 'client' | 'producer' | 'consumer' | 'internal' | 'unspecified';

export type Literal =
  | { type: 'string'; value: string; pos: number }
  | { type: 'number'; value: number; integer: boolean; pos: number }
  /** Nanoseconds. */
  | { type: 'duration'; nanos: number; pos: number }
  | { type: 'boolean'; value: boolean; pos: number }
  | { type: 'status'; value: StatusValue; pos: number }
  | { type: 'kind'; value: KindValue; pos: number };

export type CompareOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | '=~' | '!~';

/** A condition on one span, inside `{ ... }`. */
export type SpanExpr =
  | { kind: 'and' | 'or'; left: SpanExpr; right: SpanExpr }
  | { kind: 'compare'; op: CompareOp; field: Field; value: Literal }
  /** `{}` or `{ true }`: every span. */
  | { kind: 'true' };

/** A set of spans of one trace: a filter, or spansets combined within the same trace. */
export type SpansetExpr =
  | { kind: 'filter'; expr: SpanExpr; pos: number }
  | { kind: 'and' | 'or'; left: SpansetExpr; right: SpansetExpr };

export type AggregateFn = 'count' | 'avg' | 'min' | 'max' | 'sum';

export type Stage =
  /** `count() > 2`, `avg(duration) > 1s`: keeps the trace when its matched spans pass. */
  | { kind: 'aggregate'; fn: AggregateFn; field: Field | null; op: CompareOp; value: Literal; pos: number }
  /** `select(span.http.route, resource.host.name)`: extra attributes on the matched spans. */
  | { kind: 'select'; fields: Field[]; pos: number };

export interface Query {
  spanset: SpansetExpr;
  stages: Stage[];
}

/** TraceQL metrics functions: a time series per step over the matching spans. */
export type MetricsFn =
  | 'rate'
  | 'count_over_time'
  | 'min_over_time'
  | 'max_over_time'
  | 'avg_over_time'
  | 'sum_over_time'
  | 'quantile_over_time'
  | 'histogram_over_time';

/** `| rate() by (resource.service.name)`, `| quantile_over_time(duration, 0.5, 0.95)`: the last stage of a metrics query. */
export interface MetricsAggregate {
  fn: MetricsFn;
  /** The value aggregated (`duration` or a numeric attribute); null for rate and count_over_time. */
  field: Field | null;
  /** quantile_over_time's quantiles, in [0, 1], in the order written. */
  quantiles: number[];
  /** One series per distinct combination of these fields' values. */
  by: Field[];
  pos: number;
}

/** A spanset query whose matching spans are turned into time series. */
export interface MetricsQuery extends Query {
  metrics: MetricsAggregate;
}
