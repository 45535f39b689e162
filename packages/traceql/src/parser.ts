import type {
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
  SpanExpr,
  SpansetExpr,
  Stage,
  StatusValue,
} from './ast';
import { TraceQLError } from './errors';
import { type Token, tokenize } from './lexer';

/** Intrinsic spellings Tempo and Grafana use, folded onto one name each. */
const INTRINSICS: Record<string, IntrinsicName> = {
  name: 'name',
  'span:name': 'name',
  status: 'status',
  'span:status': 'status',
  statusMessage: 'statusMessage',
  'span:statusMessage': 'statusMessage',
  duration: 'duration',
  'span:duration': 'duration',
  kind: 'kind',
  'span:kind': 'kind',
  'trace:duration': 'trace:duration',
  traceDuration: 'trace:duration',
  'trace:rootName': 'trace:rootName',
  rootName: 'trace:rootName',
  'trace:rootService': 'trace:rootService',
  rootServiceName: 'trace:rootService',
  'trace:id': 'trace:id',
  'span:id': 'span:id',
  'span:parentID': 'span:parentID',
};

const STATUS_VALUES: readonly StatusValue[] = ['error', 'ok', 'unset'];
const KIND_VALUES: readonly KindValue[] = ['server', 'client', 'producer', 'consumer', 'internal', 'unspecified'];
const AGGREGATES: readonly AggregateFn[] = ['count', 'avg', 'min', 'max', 'sum'];
const COMPARE_OPS: readonly string[] = ['=', '!=', '>', '>=', '<', '<=', '=~', '!~'];
const METRICS_FNS: readonly MetricsFn[] = [
  'rate',
  'count_over_time',
  'min_over_time',
  'max_over_time',
  'avg_over_time',
  'sum_over_time',
  'quantile_over_time',
  'histogram_over_time',
];
/** Quantiles one quantile_over_time may ask for (one series each). */
export const MAX_QUANTILES = 10;
/** Fields one `by (...)` may group by. */
export const MAX_BY_FIELDS = 10;

/** What a field compares with; decides which literals and operators are allowed. */
type ValueKind = 'string' | 'duration' | 'status' | 'kind' | 'any';

const INTRINSIC_VALUE: Record<IntrinsicName, ValueKind> = {
  name: 'string',
  status: 'status',
  statusMessage: 'string',
  duration: 'duration',
  kind: 'kind',
  'trace:duration': 'duration',
  'trace:rootName': 'string',
  'trace:rootService': 'string',
  'trace:id': 'string',
  'span:id': 'string',
  'span:parentID': 'string',
};

/** Tokens (names, operators, values) in one query. */
export const MAX_TOKENS = 500;

/** Parses a TraceQL query; throws TraceQLError with the position and what was expected. */
export function parse(input: string): Query {
  return new Parser(checkedTokens(input)).query();
}

/**
 * Parses a TraceQL metrics query: a spanset query ending in a metrics function
 * (`{ status = error } | rate() by (resource.service.name)`).
 */
export function parseMetrics(input: string): MetricsQuery {
  const parser = new Parser(checkedTokens(input), true);
  const q = parser.query();
  if (!q.metrics) return parser.missingMetrics();
  return q as MetricsQuery;
}

function checkedTokens(input: string): Token[] {
  const tokens = tokenize(input);
  // A query is compiled into one SQL expression; ClickHouse refuses one nested deeper than
  // max_parser_depth (1000), which ~250 `||` terms reach. Refused here, with the reason.
  if (tokens.length > MAX_TOKENS) {
    throw new TraceQLError(`the query has ${tokens.length} tokens; at most ${MAX_TOKENS} are allowed`, 0, [
      'a shorter query (e.g. one regular expression =~ instead of many || terms)',
    ]);
  }
  return tokens;
}

/** Every intrinsic name the parser accepts, canonical spelling first. */
export const intrinsicNames: readonly IntrinsicName[] = [...new Set(Object.values(INTRINSICS))];

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    /** Metrics functions are allowed as the last stage. */
    private readonly metricsQuery = false,
  ) {}

  query(): Query & { metrics?: MetricsAggregate } {
    const spanset = this.spansetOr();
    const stages: Stage[] = [];
    let metrics: MetricsAggregate | undefined;
    while (this.isPunct('|')) {
      this.i++;
      const t = this.peek();
      if (t.kind === 'word' && (METRICS_FNS as readonly string[]).includes(t.text)) {
        if (!this.metricsQuery) {
          this.fail(t, ['a spanset stage'], `${t.text}() is a TraceQL metrics function: run it as a metrics query`);
        }
        metrics = this.metricsAggregate();
        break;
      }
      stages.push(this.stage());
    }
    const t = this.peek();
    if (t.kind !== 'eof') {
      if (metrics) this.fail(t, ['end of query'], 'a metrics function must be the last stage');
      this.fail(t, stages.length ? ['|', 'end of query'] : ['&&', '||', '|', 'end of query']);
    }
    return metrics ? { spanset, stages, metrics } : { spanset, stages };
  }

  missingMetrics(): never {
    return this.fail(
      this.peek(),
      METRICS_FNS.map((f) => `| ${f}()`),
      'a metrics query ends with a metrics function',
    );
  }

  /** `rate() by (a, b)`, `quantile_over_time(duration, 0.5, 0.9)`, `avg_over_time(span.size)`. */
  private metricsAggregate(): MetricsAggregate {
    const t = this.peek();
    this.i++;
    const fn = t.text as MetricsFn;
    this.expectPunct('(', ['(']);
    let field: Field | null = null;
    const quantiles: number[] = [];
    if (fn !== 'rate' && fn !== 'count_over_time') {
      field = this.field(['a numeric field such as duration or span.http.response.body.size']);
      if (field.kind === 'intrinsic' && field.name !== 'duration' && field.name !== 'trace:duration') {
        this.fail(
          this.tokens[this.i - 1]!,
          ['duration', 'a numeric attribute'],
          `${fn}() needs a number, not ${field.name}`,
        );
      }
      if (fn === 'quantile_over_time') {
        do {
          this.expectPunct(',', quantiles.length ? [',', ')'] : [', and a quantile such as 0.95']);
          const q = this.peek();
          if (q.kind !== 'number' || q.num! < 0 || q.num! > 1) this.fail(q, ['a quantile between 0 and 1']);
          if (quantiles.length === MAX_QUANTILES) this.fail(q, [')'], `at most ${MAX_QUANTILES} quantiles`);
          quantiles.push(q.num!);
          this.i++;
        } while (this.isPunct(','));
      }
    }
    this.expectPunct(')', fn === 'quantile_over_time' ? [',', ')'] : [')']);
    const by: Field[] = [];
    const b = this.peek();
    if (b.kind === 'word' && b.text === 'by') {
      this.i++;
      this.expectPunct('(', ['(']);
      do {
        if (by.length) this.i++;
        if (by.length === MAX_BY_FIELDS) this.fail(this.peek(), [')'], `at most ${MAX_BY_FIELDS} fields in by (...)`);
        by.push(this.field(['an attribute such as resource.service.name', 'an intrinsic such as name']));
      } while (this.isPunct(','));
      this.expectPunct(')', [',', ')']);
    }
    return { fn, field, quantiles, by, pos: t.pos };
  }

  private spansetOr(): SpansetExpr {
    let left = this.spansetAnd();
    while (this.isOp('||')) {
      this.i++;
      left = { kind: 'or', left, right: this.spansetAnd() };
    }
    return left;
  }

  private spansetAnd(): SpansetExpr {
    let left = this.spansetPrimary();
    while (this.isOp('&&')) {
      this.i++;
      left = { kind: 'and', left, right: this.spansetPrimary() };
    }
    return left;
  }

  private spansetPrimary(): SpansetExpr {
    const t = this.peek();
    if (this.isPunct('(')) {
      this.i++;
      const inner = this.spansetOr();
      this.expectPunct(')', ['&&', '||', ')']);
      return inner;
    }
    if (this.isPunct('{')) {
      this.i++;
      if (this.isPunct('}')) {
        this.i++;
        return { kind: 'filter', expr: { kind: 'true' }, pos: t.pos };
      }
      const expr = this.spanOr();
      this.expectPunct('}', ['&&', '||', '}']);
      return { kind: 'filter', expr, pos: t.pos };
    }
    return this.fail(t, ['{', '(']);
  }

  private spanOr(): SpanExpr {
    let left = this.spanAnd();
    while (this.isOp('||')) {
      this.i++;
      left = { kind: 'or', left, right: this.spanAnd() };
    }
    return left;
  }

  private spanAnd(): SpanExpr {
    let left = this.spanPrimary();
    while (this.isOp('&&')) {
      this.i++;
      left = { kind: 'and', left, right: this.spanPrimary() };
    }
    return left;
  }

  private spanPrimary(): SpanExpr {
    const t = this.peek();
    if (this.isPunct('(')) {
      this.i++;
      const inner = this.spanOr();
      this.expectPunct(')', ['&&', '||', ')']);
      return inner;
    }
    if (t.kind === 'word' && t.text === 'true') {
      this.i++;
      return { kind: 'true' };
    }
    const field = this.field(['an attribute such as span.http.route', 'an intrinsic such as name', '(']);
    const op = this.compareOp();
    const value = this.literal(field, op);
    return { kind: 'compare', op, field, value };
  }

  private stage(): Stage {
    const t = this.peek();
    if (t.kind === 'word' && t.text === 'select') {
      this.i++;
      this.expectPunct('(', ['(']);
      const fields = [this.field(['an attribute or intrinsic'])];
      while (this.isPunct(',')) {
        this.i++;
        fields.push(this.field(['an attribute or intrinsic']));
      }
      this.expectPunct(')', [',', ')']);
      return { kind: 'select', fields, pos: t.pos };
    }
    if (t.kind === 'word' && (AGGREGATES as readonly string[]).includes(t.text)) {
      this.i++;
      const fn = t.text as AggregateFn;
      this.expectPunct('(', ['(']);
      let field: Field | null = null;
      if (fn !== 'count') field = this.field(['a field such as duration']);
      this.expectPunct(')', [')']);
      const op = this.compareOp();
      if (op === '=~' || op === '!~') this.fail(this.tokens[this.i - 1]!, ['= != > >= < <='], 'a regex cannot compare');
      const value = fn === 'count' ? this.numberLiteral() : this.literal(field!, op);
      if (fn !== 'count' && value.type !== 'number' && value.type !== 'duration') {
        this.fail(this.tokens[this.i - 1]!, ['a number', 'a duration'], `${fn}() compares with a number`);
      }
      return { kind: 'aggregate', fn, field, op, value, pos: t.pos };
    }
    return this.fail(t, ['count()', 'avg(...)', 'min(...)', 'max(...)', 'sum(...)', 'select(...)']);
  }

  private field(expected: string[]): Field {
    const t = this.peek();
    if (t.kind !== 'word') return this.fail(t, expected);
    this.i++;
    const scoped = /^(span|resource)?\.(.*)$/s.exec(t.text);
    if (scoped) {
      const key = scoped[2]!;
      if (key === '') this.fail(t, ['an attribute name after the scope'], `missing attribute name in '${t.text}'`);
      return { kind: 'attribute', scope: (scoped[1] as 'span' | 'resource' | undefined) ?? 'any', key, pos: t.pos };
    }
    const name = INTRINSICS[t.text];
    if (!name) {
      return this.fail(
        t,
        [`span.${t.text}`, `resource.${t.text}`, `.${t.text}`, 'an intrinsic'],
        `unknown intrinsic '${t.text}'`,
      );
    }
    return { kind: 'intrinsic', name, pos: t.pos };
  }

  private compareOp(): CompareOp {
    const t = this.peek();
    if (t.kind === 'op' && COMPARE_OPS.includes(t.text)) {
      this.i++;
      return t.text as CompareOp;
    }
    return this.fail(t, ['an operator (= != > >= < <= =~ !~)']);
  }

  private numberLiteral(): Literal {
    const t = this.peek();
    if (t.kind !== 'number') return this.fail(t, ['a number']);
    this.i++;
    return { type: 'number', value: t.num!, integer: t.integer!, pos: t.pos };
  }

  /** A literal of the type the field compares with, under an operator that type allows. */
  private literal(field: Field, op: CompareOp): Literal {
    const t = this.peek();
    const want: ValueKind = field.kind === 'intrinsic' ? INTRINSIC_VALUE[field.name] : 'any';
    const regex = op === '=~' || op === '!~';
    const ordered = op !== '=' && op !== '!=' && !regex;
    const label = field.kind === 'intrinsic' ? field.name : `${field.scope === 'any' ? '' : field.scope}.${field.key}`;
    const opTok = this.tokens[this.i - 1]!;

    if (want === 'status' || want === 'kind') {
      const values: readonly string[] = want === 'status' ? STATUS_VALUES : KIND_VALUES;
      if (op !== '=' && op !== '!=') this.fail(opTok, ['= or !='], `${label} compares with = or != only`);
      if (t.kind !== 'word' || !values.includes(t.text)) return this.fail(t, values.slice());
      this.i++;
      return want === 'status'
        ? { type: 'status', value: t.text as StatusValue, pos: t.pos }
        : { type: 'kind', value: t.text as KindValue, pos: t.pos };
    }
    if (want === 'duration') {
      if (regex) this.fail(opTok, ['= != > >= < <='], `${label} cannot be matched by a regex`);
      if (t.kind !== 'duration') return this.fail(t, ['a duration like 250ms or 2s']);
      this.i++;
      return { type: 'duration', nanos: t.num!, pos: t.pos };
    }
    if (want === 'string' || regex) {
      if (t.kind !== 'string') return this.fail(t, ['a quoted string']);
      if (regex) checkRegex(t);
      this.i++;
      return { type: 'string', value: t.text, pos: t.pos };
    }
    // An attribute: any literal type; the comparison is typed when it is compiled.
    switch (t.kind) {
      case 'string':
        this.i++;
        return { type: 'string', value: t.text, pos: t.pos };
      case 'number':
        this.i++;
        return { type: 'number', value: t.num!, integer: t.integer!, pos: t.pos };
      case 'duration':
        this.i++;
        return { type: 'duration', nanos: t.num!, pos: t.pos };
      case 'word':
        if (t.text === 'true' || t.text === 'false') {
          if (ordered) this.fail(opTok, ['= or !='], 'a boolean compares with = or != only');
          this.i++;
          return { type: 'boolean', value: t.text === 'true', pos: t.pos };
        }
        break;
    }
    return this.fail(t, ['a string', 'a number', 'a duration', 'true', 'false']);
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }

  private expectPunct(text: string, expected: string[]): void {
    if (!this.isPunct(text)) this.fail(this.peek(), expected);
    this.i++;
  }

  private fail(t: Token, expected: string[], reason?: string): never {
    const found = t.kind === 'eof' ? 'end of query' : t.kind === 'string' ? `"${t.text}"` : `'${t.text}'`;
    throw new TraceQLError(reason ?? `unexpected ${found}`, t.pos, expected);
  }
}

function checkRegex(t: Token): void {
  try {
    new RegExp(t.text);
  } catch {
    throw new TraceQLError(`invalid regular expression "${t.text}"`, t.pos, ['a valid regular expression']);
  }
}
