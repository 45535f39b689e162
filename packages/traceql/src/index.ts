// Public surface of @tracehouse/traceql: the TraceQL subset's syntax. Pure: no SQL, no I/O.
export type {
  AggregateFn,
  CompareOp,
  Field,
  IntrinsicName,
  KindValue,
  Literal,
  MetricsAggregate,
  MetricsFn,
  MetricsQuery,
  Query,
  Scope,
  SpanExpr,
  SpansetExpr,
  Stage,
  StatusValue,
} from './ast';
export { TraceQLError } from './errors';
export { type Token, tokenize } from './lexer';
export { intrinsicNames, MAX_BY_FIELDS, MAX_QUANTILES, parse, parseMetrics } from './parser';
export { filters } from './walk';
