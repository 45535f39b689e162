import type { CompareOp, Field, Literal, Query, SpanExpr, SpansetExpr, Stage } from '@tracehouse/traceql';
import type { Params } from './params';

/**
 * Lowers TraceQL to SQL over one span table (`spans` or `spans_recent`), following the
 * column names of the record model. Each span filter becomes a boolean over one row; a
 * spanset combination `{A} && {B}` becomes `countIf(A) > 0 AND countIf(B) > 0` over the
 * rows of one trace. Because a trace can only match when at least one of its spans passes
 * some filter, the WHERE clause keeps only rows passing any filter, which is what lets
 * ClickHouse use the sort key and skip indexes; the per-filter counts stay exact since
 * every filter implies that disjunction.
 */

/** Columns of the per-trace summary joined in when a filter uses a `trace:` intrinsic. */
export const TRACE_COLUMNS = {
  duration: 'TraceDurationNs',
  rootName: 'TraceRootName',
  rootService: 'TraceRootService',
} as const;

const STATUS: Record<string, string> = { error: 'Error', ok: 'Ok', unset: 'Unset' };
const KIND: Record<string, string> = {
  server: 'Server',
  client: 'Client',
  producer: 'Producer',
  consumer: 'Consumer',
  internal: 'Internal',
  unspecified: 'Unspecified',
};

const SQL_OP: Record<Exclude<CompareOp, '=~' | '!~'>, string> = {
  '=': '=',
  '!=': '!=',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};

const MAPS = {
  span: { values: 'SpanAttributes', types: 'SpanAttributeTypes' },
  resource: { values: 'ResourceAttributes', types: 'ResourceAttributeTypes' },
} as const;

export interface CompiledQuery {
  /** One SQL boolean per span filter, in source order. */
  filters: string[];
  /** Any row that can contribute to a match (the WHERE clause). */
  anyFilter: string;
  /** The spanset combination over per-filter counts, or null when it is a single filter. */
  having: string | null;
  /** Pipeline aggregates over the matched spans of a trace (HAVING conjuncts). */
  aggregates: string[];
  /** Extra per-span values asked for by `select(...)`, as SQL expressions and display keys. */
  selects: { key: string; value: string; type: string }[];
  /** The filters read the per-trace summary columns (`trace:duration` and friends). */
  needsTraceSummary: boolean;
}

export function compileQuery(q: Query, p: Params): CompiledQuery {
  const exprs = spanFilters(q.spanset);
  const filters = exprs.map((e) => spanExpr(e, p));
  const needsTraceSummary = exprs.some(usesTraceSummary);
  const aggregates: string[] = [];
  const selects: CompiledQuery['selects'] = [];
  for (const s of q.stages) {
    if (s.kind === 'aggregate') aggregates.push(aggregate(s, p));
    else for (const f of s.fields) selects.push(selectField(f, p));
  }
  return {
    filters,
    anyFilter: filters.length === 1 ? filters[0]! : filters.map((f) => `(${f})`).join(' OR '),
    having: filters.length === 1 ? null : spansetHaving(q.spanset, filters, { next: 0 }),
    aggregates,
    selects,
    needsTraceSummary,
  };
}

function spanFilters(s: SpansetExpr): SpanExpr[] {
  return s.kind === 'filter' ? [s.expr] : [...spanFilters(s.left), ...spanFilters(s.right)];
}

function spansetHaving(s: SpansetExpr, filters: string[], counter: { next: number }): string {
  if (s.kind === 'filter') return `countIf(${filters[counter.next++]}) > 0`;
  const left = spansetHaving(s.left, filters, counter);
  const right = spansetHaving(s.right, filters, counter);
  return `(${left} ${s.kind === 'and' ? 'AND' : 'OR'} ${right})`;
}

function usesTraceSummary(e: SpanExpr): boolean {
  if (e.kind === 'true') return false;
  if (e.kind === 'compare')
    return e.field.kind === 'intrinsic' && e.field.name.startsWith('trace:') && e.field.name !== 'trace:id';
  return usesTraceSummary(e.left) || usesTraceSummary(e.right);
}

function spanExpr(e: SpanExpr, p: Params): string {
  switch (e.kind) {
    case 'true':
      return '1';
    case 'and':
      return `(${spanExpr(e.left, p)} AND ${spanExpr(e.right, p)})`;
    case 'or':
      return `(${spanExpr(e.left, p)} OR ${spanExpr(e.right, p)})`;
    case 'compare':
      return compare(e.field, e.op, e.value, p);
  }
}

function compare(field: Field, op: CompareOp, value: Literal, p: Params): string {
  if (field.kind === 'attribute') {
    if (field.scope === 'any') {
      return `(${attributeCompare('span', field.key, op, value, p)} OR ${attributeCompare('resource', field.key, op, value, p)})`;
    }
    return attributeCompare(field.scope, field.key, op, value, p);
  }
  switch (field.name) {
    case 'name':
      return stringCompare('SpanName', op, value, p);
    case 'statusMessage':
      return stringCompare('StatusMessage', op, value, p);
    case 'trace:id':
      return stringCompare('TraceId', op, lowerHex(value), p);
    case 'span:id':
      return stringCompare('SpanId', op, lowerHex(value), p);
    case 'span:parentID':
      return stringCompare('ParentSpanId', op, lowerHex(value), p);
    case 'trace:rootName':
      return stringCompare(TRACE_COLUMNS.rootName, op, value, p);
    case 'trace:rootService':
      return stringCompare(TRACE_COLUMNS.rootService, op, value, p);
    case 'status':
      return `StatusCode ${SQL_OP[op as '=']} ${p.add(STATUS[(value as { value: string }).value], 'String')}`;
    case 'kind':
      return `SpanKind ${SQL_OP[op as '=']} ${p.add(KIND[(value as { value: string }).value], 'String')}`;
    case 'duration':
      return `Duration ${SQL_OP[op as '=']} ${p.add(nanos(value), 'Int64')}`;
    case 'trace:duration':
      return `${TRACE_COLUMNS.duration} ${SQL_OP[op as '=']} ${p.add(nanos(value), 'Int64')}`;
  }
}

const lowerHex = (v: Literal): Literal => (v.type === 'string' ? { ...v, value: v.value.toLowerCase() } : v);
const nanos = (v: Literal): number => (v.type === 'duration' ? v.nanos : (v as { value: number }).value);

/** Tempo's regex operators match the whole value. */
const anchored = (re: string): string => `^(?:${re})$`;

function stringCompare(col: string, op: CompareOp, value: Literal, p: Params): string {
  const v = (value as { value: string }).value;
  if (op === '=~') return `match(${col}, ${p.add(anchored(v), 'String')})`;
  if (op === '!~') return `NOT match(${col}, ${p.add(anchored(v), 'String')})`;
  return `${col} ${SQL_OP[op]} ${p.add(v, 'String')}`;
}

/**
 * An attribute compares by type, as in Tempo: a number literal matches int and double
 * attributes numerically (ints exactly as Int64), a string literal matches string
 * attributes, a boolean matches bool attributes. A span without the attribute never matches,
 * whatever the operator.
 */
function attributeCompare(scope: 'span' | 'resource', key: string, op: CompareOp, value: Literal, p: Params): string {
  const { values: A, types: T } = MAPS[scope];
  const k = p.add(key, 'String');
  const has = `mapContains(${A}, ${k})`;
  const typeIs = (t: string) => `${T}[${k}] = '${t}'`;
  switch (value.type) {
    case 'string': {
      // The service name has its own column, which is in the kept table's sort key.
      if (scope === 'resource' && key === 'service.name') return stringCompare('ServiceName', op, value, p);
      // String values have no entry in the sparse type map.
      return `(${has} AND ${T}[${k}] = '' AND ${stringCompare(`${A}[${k}]`, op, value, p)})`;
    }
    case 'boolean':
      return `(${typeIs('bool')} AND ${A}[${k}] ${SQL_OP[op as '=']} ${p.add(String(value.value), 'String')})`;
    case 'number':
    case 'duration': {
      const n = value.type === 'number' ? value.value : value.nanos;
      const sqlOp = SQL_OP[op as '='];
      const asDouble = `(${typeIs('double')} AND toFloat64OrNull(${A}[${k}]) ${sqlOp} ${p.add(n, 'Float64')})`;
      if (value.type === 'duration' || value.integer) {
        return `((${typeIs('int')} AND toInt64OrNull(${A}[${k}]) ${sqlOp} ${p.add(n, 'Int64')}) OR ${asDouble})`;
      }
      return `((${typeIs('int')} AND toFloat64OrNull(${A}[${k}]) ${sqlOp} ${p.add(n, 'Float64')}) OR ${asDouble})`;
    }
    default:
      // The parser only gives enums to status and kind.
      throw new Error(`unexpected ${value.type} literal for an attribute`);
  }
}

/** A numeric SQL value for an aggregate's field: ns for durations, the number of a numeric attribute. */
export function numericField(f: Field, p: Params): string {
  if (f.kind === 'intrinsic') {
    if (f.name === 'duration') return 'Duration';
    if (f.name === 'trace:duration') return TRACE_COLUMNS.duration;
    throw new AggregateFieldError(f);
  }
  const one = (scope: 'span' | 'resource') => {
    const { values: A, types: T } = MAPS[scope];
    const k = p.add(f.key, 'String');
    return `if(${T}[${k}] IN ('int', 'double'), toFloat64OrNull(${A}[${k}]), NULL)`;
  };
  return f.scope === 'any' ? `coalesce(${one('span')}, ${one('resource')})` : one(f.scope);
}

/** An aggregate over a field that has no number (e.g. `avg(name)`). */
export class AggregateFieldError extends Error {
  constructor(readonly field: Field) {
    super(`aggregates need a numeric field (duration or a number attribute)`);
  }
}

function aggregate(s: Extract<Stage, { kind: 'aggregate' }>, p: Params): string {
  const value = s.value.type === 'duration' ? s.value.nanos : (s.value as { value: number }).value;
  const op = SQL_OP[s.op as '='];
  if (s.fn === 'count') return `count() ${op} ${p.add(value, 'Int64')}`;
  return `${s.fn}(${numericField(s.field!, p)}) ${op} ${p.add(value, 'Float64')}`;
}

/** A `select(...)` field as a per-span value (String) and its attribute type. */
export function selectField(f: Field, p: Params): CompiledQuery['selects'][number] {
  if (f.kind === 'intrinsic') {
    const column: Record<string, string> = {
      name: 'SpanName',
      status: 'lower(StatusCode)',
      statusMessage: 'StatusMessage',
      duration: 'toString(Duration)',
      kind: 'lower(SpanKind)',
      'trace:id': 'TraceId',
      'span:id': 'SpanId',
      'span:parentID': 'ParentSpanId',
      'trace:rootName': "''",
      'trace:rootService': "''",
      'trace:duration': "''",
    };
    return { key: f.name, value: column[f.name]!, type: f.name === 'duration' ? "'int'" : "''" };
  }
  const one = (scope: 'span' | 'resource') => {
    const { values: A, types: T } = MAPS[scope];
    const k = p.add(f.key, 'String');
    return { has: `mapContains(${A}, ${k})`, value: `${A}[${k}]`, type: `${T}[${k}]` };
  };
  const label = `${f.scope === 'any' ? '' : f.scope}.${f.key}`;
  if (f.scope !== 'any') {
    const o = one(f.scope);
    return { key: label, value: `if(${o.has}, ${o.value}, NULL)`, type: o.type };
  }
  const s = one('span');
  const r = one('resource');
  return {
    key: label,
    value: `multiIf(${s.has}, ${s.value}, ${r.has}, ${r.value}, NULL)`,
    type: `if(${s.has}, ${s.type}, ${r.type})`,
  };
}
