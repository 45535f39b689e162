/** The PromQL syntax tree the engine evaluates (built from Prometheus's Lezer grammar). */

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  type: MatchType;
  value: string;
}

/** `@ <time>`, `@ start()`, `@ end()`. */
export type AtModifier = { ms: number } | 'start' | 'end';

interface Positioned {
  /** Offset of the construct in the query text (for errors). */
  pos: number;
}

export interface VectorSelector extends Positioned {
  kind: 'vector';
  name?: string;
  matchers: LabelMatcher[];
  offsetMs: number;
  at?: AtModifier;
}

export interface MatrixSelector extends Positioned {
  kind: 'matrix';
  vector: VectorSelector;
  rangeMs: number;
}

export interface Subquery extends Positioned {
  kind: 'subquery';
  expr: Expr;
  rangeMs: number;
  /** 0 = the default evaluation interval. */
  stepMs: number;
  offsetMs: number;
  at?: AtModifier;
}

export interface NumberLiteral extends Positioned {
  kind: 'number';
  value: number;
}

export interface StringLiteral extends Positioned {
  kind: 'string';
  value: string;
}

export interface Call extends Positioned {
  kind: 'call';
  func: string;
  args: Expr[];
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'quantile'
  | 'count_values';

export interface Aggregate extends Positioned {
  kind: 'aggregate';
  op: AggregateOp;
  expr: Expr;
  param?: Expr;
  grouping: string[];
  without: boolean;
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | 'atan2'
  | '=='
  | '!='
  | '>'
  | '<'
  | '>='
  | '<='
  | 'and'
  | 'or'
  | 'unless';

export interface VectorMatching {
  /** `on(...)` when true, `ignoring(...)` when false. */
  on: boolean;
  labels: string[];
  card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** group_left / group_right labels to copy from the "one" side. */
  include: string[];
}

export interface Binary extends Positioned {
  kind: 'binary';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  matching?: VectorMatching;
}

export interface Unary extends Positioned {
  kind: 'unary';
  op: '-' | '+';
  expr: Expr;
}

export interface Paren extends Positioned {
  kind: 'paren';
  expr: Expr;
}

export type Expr =
  | VectorSelector
  | MatrixSelector
  | Subquery
  | NumberLiteral
  | StringLiteral
  | Call
  | Aggregate
  | Binary
  | Unary
  | Paren;

export type ValueType = 'vector' | 'matrix' | 'scalar' | 'string';
