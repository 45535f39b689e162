import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import type {
  AggregateOp,
  AtModifier,
  BinaryOp,
  Expr,
  LabelMatcher,
  MatchType,
  ValueType,
  VectorMatching,
  VectorSelector,
} from './ast';
import { durationMs } from './duration';
import { badData } from './errors';
import { FUNCTIONS } from './functions/signatures';
import { anchoredRegex } from './regex';

/**
 * PromQL text -> syntax tree. The grammar is Prometheus's own (`@prometheus-io/lezer-promql`,
 * what the Prometheus UI parses with); this file turns its concrete tree into the engine's
 * tree and applies the checks Prometheus's parser makes (types of arguments and operands,
 * selectors that match everything). Constructs the engine does not evaluate are refused here,
 * by name, so a query never gets a wrong answer instead of an error.
 */
export function parseExpr(query: string): Expr {
  if (query.trim() === '') throw badData('1:1: parse error: no expression found in input', 0);
  const tree = parser.parse(query);
  let error: SyntaxNode | null = null;
  tree.iterate({
    enter(n) {
      if (error) return false;
      if (n.type.isError) error = n.node;
      return undefined;
    },
  });
  if (error) {
    const at = (error as SyntaxNode).from;
    const near = query.slice(at, at + 20);
    throw badData(`${position(query, at)}: parse error: unexpected ${near ? `"${near}"` : 'end of input'}`, at);
  }
  const top = tree.topNode.firstChild;
  if (!top) throw badData('1:1: parse error: no expression found in input', 0);
  const expr = new Builder(query).expr(top);
  checkTypes(expr);
  return expr;
}

/** "line:column" of an offset, as Prometheus reports parse errors. */
function position(query: string, at: number): string {
  const before = query.slice(0, at).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

const BINARY_OPS: Record<string, BinaryOp> = {
  Pow: '^',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Add: '+',
  Sub: '-',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Lss: '<',
  Gte: '>=',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
  Atan2: 'atan2',
};

const AGGREGATES = new Set<string>([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
]);

const MATCH_OPS: Record<string, MatchType> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

class Builder {
  constructor(private readonly q: string) {}

  private text(n: SyntaxNode): string {
    return this.q.slice(n.from, n.to);
  }

  private unsupported(n: SyntaxNode, what: string): never {
    throw badData(`${position(this.q, n.from)}: ${what} is not supported`, n.from);
  }

  private children(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
    return out;
  }

  expr(n: SyntaxNode): Expr {
    const pos = n.from;
    switch (n.name) {
      case 'ParenExpr':
        return { kind: 'paren', pos, expr: this.expr(this.exprChild(n)) };
      case 'NumberDurationLiteral':
        return { kind: 'number', pos, value: parseNumber(this.text(n), pos) };
      case 'StringLiteral':
        return { kind: 'string', pos, value: unquote(this.text(n), pos) };
      case 'UnaryExpr': {
        const op = this.text(n.getChild('UnaryOp')!) as '-' | '+';
        const inner = this.expr(this.exprChild(n));
        // Prometheus folds a sign into a number literal.
        if (inner.kind === 'number') return { ...inner, pos, value: op === '-' ? -inner.value : inner.value };
        return { kind: 'unary', pos, op, expr: inner };
      }
      case 'VectorSelector':
        return this.vectorSelector(n);
      case 'MatrixSelector': {
        const inner = this.expr(this.exprChild(n));
        if (inner.kind !== 'vector')
          throw badData(`${position(this.q, pos)}: ranges only allowed for vector selectors`, pos);
        if (inner.offsetMs !== 0 || inner.at)
          throw badData(`${position(this.q, pos)}: no offset or @ modifiers allowed before the range`, pos);
        return { kind: 'matrix', pos, vector: inner, rangeMs: this.duration(n.getChild('DurationExpr')!, true) };
      }
      case 'SubqueryExpr': {
        const [range, step] = n.getChildren('DurationExpr');
        return {
          kind: 'subquery',
          pos,
          expr: this.expr(this.exprChild(n)),
          rangeMs: this.duration(range!, true),
          stepMs: step ? this.duration(step, true) : 0,
          offsetMs: 0,
        };
      }
      case 'OffsetExpr': {
        const target = this.expr(this.exprChild(n));
        const durNode = n.getChild('OffsetDurationExpr')!;
        const text = this.text(durNode).replace(/\s+/g, '');
        const neg = text.startsWith('-');
        const ms = durationMs(text.replace(/^[-+]/, ''));
        if (ms === undefined) this.unsupported(durNode, `offset "${text}"`);
        return this.modify(n, target, { offsetMs: neg ? -ms : ms });
      }
      case 'StepInvariantExpr': {
        const target = this.expr(this.exprChild(n));
        return this.modify(n, target, { at: this.at(n) });
      }
      case 'FunctionCall':
        return this.call(n);
      case 'AggregateExpr':
        return this.aggregate(n);
      case 'BinaryExpr':
        return this.binary(n);
      case 'AnchoredExpr':
        return this.unsupported(n, 'the "anchored" modifier');
      case 'SmoothedExpr':
        return this.unsupported(n, 'the "smoothed" modifier');
      default:
        return this.unsupported(n, `"${this.text(n)}" (${n.name})`);
    }
  }

  /** The first child that is an expression (skips keywords and punctuation nodes). */
  private exprChild(n: SyntaxNode, index = 0): SyntaxNode {
    const exprs = this.children(n).filter((c) => isExprNode(c.name));
    const c = exprs[index];
    if (!c) throw badData(`${position(this.q, n.from)}: parse error: expression expected`, n.from);
    return c;
  }

  private duration(n: SyntaxNode, positive: boolean): number {
    const lit = n.firstChild;
    if (lit?.name !== 'NumberDurationLiteralInDurationContext' || lit.nextSibling)
      return this.unsupported(n, `the duration expression "${this.text(n)}"`);
    const text = this.text(lit);
    const ms = durationMs(text) ?? (/^\d+(\.\d+)?$/.test(text) ? Math.round(Number(text) * 1000) : undefined);
    if (ms === undefined) throw badData(`${position(this.q, n.from)}: bad duration "${text}"`, n.from);
    if (positive && ms <= 0)
      throw badData(`${position(this.q, n.from)}: duration must be greater than 0: "${text}"`, n.from);
    return ms;
  }

  private at(n: SyntaxNode): AtModifier {
    const pre = n.getChild('AtModifierPreprocessors');
    if (pre) return pre.getChild('AtStart') ? 'start' : 'end';
    const children = this.children(n);
    const atIdx = children.findIndex((c) => c.name === 'At');
    const rest = children
      .slice(atIdx + 1)
      .map((c) => this.text(c))
      .join('');
    const seconds = parseNumber(rest.replace(/\s+/g, ''), n.from);
    if (!Number.isFinite(seconds)) throw badData(`${position(this.q, n.from)}: timestamp out of bounds for @ modifier`);
    return { ms: Math.round(seconds * 1000) };
  }

  /** Applies `offset`/`@` to the selector or subquery they follow (only those take them). */
  private modify(n: SyntaxNode, target: Expr, mod: { offsetMs?: number; at?: AtModifier }): Expr {
    const inner = target.kind === 'matrix' ? target.vector : target;
    if (inner.kind !== 'vector' && inner.kind !== 'subquery')
      throw badData(
        `${position(this.q, n.from)}: ${mod.at ? '@ modifier' : 'offset modifier'} must be preceded by an instant vector selector or range vector selector or a subquery`,
        n.from,
      );
    if (mod.offsetMs !== undefined) {
      if (inner.offsetMs !== 0) throw badData(`${position(this.q, n.from)}: offset may not be set multiple times`);
      inner.offsetMs = mod.offsetMs;
    }
    if (mod.at) {
      if (inner.at) throw badData(`${position(this.q, n.from)}: @ <timestamp> may not be set multiple times`);
      inner.at = mod.at;
    }
    return target;
  }

  private vectorSelector(n: SyntaxNode): VectorSelector {
    const matchers: LabelMatcher[] = [];
    const id = n.getChild('Identifier');
    let name = id ? this.text(id) : undefined;
    const list = n.getChild('LabelMatchers');
    for (const m of list ? this.children(list) : []) {
      if (m.name === 'QuotedLabelName') {
        // {"metric.name"} names the metric.
        if (name !== undefined) throw badData(`${position(this.q, m.from)}: metric name must not be set twice`);
        name = unquote(this.text(m), m.from);
        continue;
      }
      if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') continue;
      const labelNode = m.getChild('LabelName') ?? m.getChild('QuotedLabelName')!;
      const label = labelNode.name === 'QuotedLabelName' ? unquote(this.text(labelNode), m.from) : this.text(labelNode);
      const op = MATCH_OPS[m.getChild('MatchOp')!.firstChild!.name]!;
      matchers.push({ name: label, type: op, value: unquote(this.text(m.getChild('StringLiteral')!), m.from) });
    }
    if (name !== undefined) {
      if (matchers.some((m) => m.name === '__name__'))
        throw badData(`${position(this.q, n.from)}: metric name must not be set twice: "${name}"`, n.from);
      matchers.unshift({ name: '__name__', type: '=', value: name });
    }
    // Prometheus refuses a selector every series would match: it must have a matcher that an
    // empty label does not satisfy.
    if (!matchers.some((m) => !matchesEmpty(m)))
      throw badData(`${position(this.q, n.from)}: vector selector must contain at least one non-empty matcher`, n.from);
    for (const m of matchers) if (m.type === '=~' || m.type === '!~') compileCheck(m.value, this.q, n.from);
    return { kind: 'vector', pos: n.from, name, matchers, offsetMs: 0 };
  }

  private call(n: SyntaxNode): Expr {
    const name = this.text(n.getChild('FunctionIdentifier')!);
    const body = n.getChild('FunctionCallBody')!;
    const args = this.children(body)
      .filter((c) => isExprNode(c.name))
      .map((c) => this.expr(c));
    const sig = FUNCTIONS[name];
    if (!sig) return this.unsupported(n, `function "${name}"`);
    const min = sig.args.length - (sig.optional ?? 0);
    const max = sig.variadic ? Number.POSITIVE_INFINITY : sig.args.length;
    if (args.length < min || args.length > max)
      throw badData(
        `${position(this.q, n.from)}: expected ${min === max ? min : `${min} to ${sig.args.length}`} argument(s) in call to "${name}", got ${args.length}`,
        n.from,
      );
    args.forEach((a, i) => {
      const want = sig.args[Math.min(i, sig.args.length - 1)]!;
      const got = typeOf(a);
      if (got !== want)
        throw badData(
          `${position(this.q, a.pos)}: expected type ${typeName(want)} in call to function "${name}", got ${typeName(got)}`,
          a.pos,
        );
    });
    return { kind: 'call', pos: n.from, func: name, args };
  }

  private aggregate(n: SyntaxNode): Expr {
    const op = this.text(n.getChild('AggregateOp')!).toLowerCase();
    if (!AGGREGATES.has(op)) return this.unsupported(n, `aggregation "${op}"`);
    const body = n.getChild('FunctionCallBody')!;
    const args = this.children(body)
      .filter((c) => isExprNode(c.name))
      .map((c) => this.expr(c));
    const withParam = op === 'topk' || op === 'bottomk' || op === 'quantile' || op === 'count_values';
    if (args.length !== (withParam ? 2 : 1))
      throw badData(
        `${position(this.q, n.from)}: wrong number of arguments for aggregate expression provided, expected ${withParam ? 2 : 1}, got ${args.length}`,
        n.from,
      );
    const mod = n.getChild('AggregateModifier');
    const grouping = mod ? this.groupingLabels(mod.getChild('GroupingLabels')) : [];
    const expr = args[args.length - 1]!;
    if (typeOf(expr) !== 'vector')
      throw badData(
        `${position(this.q, expr.pos)}: expected type instant vector in aggregation expression, got ${typeName(typeOf(expr))}`,
        expr.pos,
      );
    const param = withParam ? args[0] : undefined;
    if (param) {
      const want = op === 'count_values' ? 'string' : 'scalar';
      if (typeOf(param) !== want)
        throw badData(
          `${position(this.q, param.pos)}: expected type ${typeName(want)} in aggregation parameter, got ${typeName(typeOf(param))}`,
          param.pos,
        );
    }
    return {
      kind: 'aggregate',
      pos: n.from,
      op: op as AggregateOp,
      expr,
      param,
      grouping,
      without: !!mod?.getChild('Without'),
    };
  }

  private groupingLabels(n: SyntaxNode | null): string[] {
    if (!n) return [];
    return this.children(n)
      .filter((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName')
      .map((c) => (c.name === 'QuotedLabelName' ? unquote(this.text(c), c.from) : this.text(c)));
  }

  private binary(n: SyntaxNode): Expr {
    const children = this.children(n);
    const opNode = children.find((c) => BINARY_OPS[c.name] !== undefined);
    if (!opNode) {
      const other = children.find((c) => !isExprNode(c.name));
      return this.unsupported(other ?? n, `the binary operator "${other ? this.text(other) : '?'}"`);
    }
    if (n.getChild('FillModifier')) this.unsupported(n.getChild('FillModifier')!, 'the "fill" modifier');
    const op = BINARY_OPS[opNode.name]!;
    const lhs = this.expr(this.exprChild(n, 0));
    const rhs = this.expr(this.exprChild(n, 1));
    const returnBool = !!n.getChild('BoolModifier');
    const clause = n.getChild('MatchingModifierClause');
    let matching: VectorMatching | undefined;
    const setOp = op === 'and' || op === 'or' || op === 'unless';
    const lt = typeOf(lhs);
    const rt = typeOf(rhs);
    for (const [side, t] of [
      [lhs, lt],
      [rhs, rt],
    ] as const)
      if (t !== 'scalar' && t !== 'vector')
        throw badData(
          `${position(this.q, side.pos)}: binary expression must contain only scalar and instant vector types`,
          side.pos,
        );
    if (lt === 'vector' && rt === 'vector') {
      matching = { on: false, labels: [], card: setOp ? 'many-to-many' : 'one-to-one', include: [] };
      if (clause) {
        const groups = clause.getChildren('GroupingLabels');
        matching.on = !!clause.getChild('On');
        matching.labels = this.groupingLabels(groups[0] ?? null);
        if (clause.getChild('GroupLeft') || clause.getChild('GroupRight')) {
          if (setOp)
            throw badData(`${position(this.q, clause.from)}: no grouping allowed for "${op}" operation`, clause.from);
          matching.card = clause.getChild('GroupLeft') ? 'many-to-one' : 'one-to-many';
          matching.include = this.groupingLabels(groups[1] ?? null);
        }
      }
      if (matching.on)
        for (const l of matching.include)
          if (matching.labels.includes(l))
            throw badData(`${position(this.q, n.from)}: label "${l}" must not occur in ON and GROUP clause at once`);
    } else if (clause && (clause.getChild('On') || clause.getChild('Ignoring') || clause.getChild('GroupLeft'))) {
      throw badData(`${position(this.q, n.from)}: vector matching only allowed between instant vectors`, n.from);
    }
    if (setOp && (lt === 'scalar' || rt === 'scalar'))
      throw badData(`${position(this.q, n.from)}: set operator "${op}" not allowed in binary scalar expression`);
    const comparison = ['==', '!=', '>', '<', '>=', '<='].includes(op);
    if (returnBool && !comparison)
      throw badData(`${position(this.q, n.from)}: bool modifier can only be used on comparison operators`);
    if (comparison && lt === 'scalar' && rt === 'scalar' && !returnBool)
      throw badData(`${position(this.q, n.from)}: comparisons between scalars must use BOOL modifier`);
    return { kind: 'binary', pos: n.from, op, lhs, rhs, returnBool, matching };
  }
}

function isExprNode(name: string): boolean {
  return (
    (name.endsWith('Expr') ||
      name === 'VectorSelector' ||
      name === 'MatrixSelector' ||
      name === 'FunctionCall' ||
      name === 'NumberDurationLiteral' ||
      name === 'StringLiteral') &&
    name !== 'DurationExpr' &&
    name !== 'OffsetDurationExpr'
  );
}

function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.type) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return anchoredRegex(m.value).matches('');
    case '!~':
      return !anchoredRegex(m.value).matches('');
  }
}

function compileCheck(re: string, q: string, at: number): void {
  try {
    anchoredRegex(re);
  } catch (err) {
    throw badData(`${position(q, at)}: invalid regular expression "${re}": ${(err as Error).message}`, at);
  }
}

export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'vector':
    case 'aggregate':
      return 'vector';
    case 'matrix':
    case 'subquery':
      return 'matrix';
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'paren':
    case 'unary':
      return typeOf(e.expr);
    case 'call':
      return FUNCTIONS[e.func]!.returns;
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
  }
}

function typeName(t: ValueType): string {
  return { vector: 'instant vector', matrix: 'range vector', scalar: 'scalar', string: 'string' }[t];
}

/** Checks Prometheus makes on the whole tree: the root is not refused later. */
function checkTypes(e: Expr): void {
  if (e.kind === 'unary' && typeOf(e.expr) !== 'scalar' && typeOf(e.expr) !== 'vector')
    throw badData(`unary expression only allowed on expressions of type scalar or instant vector`, e.pos);
  if (e.kind === 'subquery' && typeOf(e.expr) !== 'vector')
    throw badData(`subquery is only allowed on instant vector, got ${typeName(typeOf(e.expr))}`, e.pos);
  for (const c of childrenOf(e)) checkTypes(c);
}

export function childrenOf(e: Expr): Expr[] {
  switch (e.kind) {
    case 'paren':
    case 'unary':
    case 'subquery':
      return [e.expr];
    case 'matrix':
      return [e.vector];
    case 'call':
      return e.args;
    case 'aggregate':
      return e.param ? [e.param, e.expr] : [e.expr];
    case 'binary':
      return [e.lhs, e.rhs];
    default:
      return [];
  }
}

function parseNumber(text: string, pos: number): number {
  const t = text.toLowerCase();
  if (t === 'inf' || t === '+inf') return Number.POSITIVE_INFINITY;
  if (t === '-inf') return Number.NEGATIVE_INFINITY;
  if (t === 'nan') return Number.NaN;
  if (/^0x[0-9a-f]+$/.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?$|^[0-9]+\.$/.test(t)) return Number(t);
  // Durations as numbers (`1m` = 60), as Prometheus 3 reads them.
  const ms = durationMs(t);
  if (ms !== undefined) return ms / 1000;
  throw badData(`bad number or duration syntax: "${text}"`, pos);
}

/** A Go string literal: "..." with escapes, '...' with escapes, or `raw`. */
function unquote(text: string, pos: number): string {
  const quote = text[0];
  const body = text.slice(1, -1);
  if (quote === '`') return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
      '"': '"',
      "'": "'",
    };
    if (e !== undefined && simple[e] !== undefined) {
      out += simple[e];
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw badData(`invalid escape in string ${text}`, pos);
      out += String.fromCodePoint(Number.parseInt(hex, 16));
      i += len;
    } else if (e !== undefined && /[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw badData(`invalid escape in string ${text}`, pos);
      out += String.fromCharCode(Number.parseInt(oct, 8));
      i += 2;
    } else {
      throw badData(`invalid escape sequence "\\${e ?? ''}" in string ${text}`, pos);
    }
  }
  return out;
}
