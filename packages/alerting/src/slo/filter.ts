import { type Field, type Literal, parse, type SpanExpr, TraceQLError } from '@tracehouse/traceql';

/** A Prometheus label matcher. */
export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** An extra span-metrics dimension (derived.dimensions): attribute key and the label it becomes. */
export interface SpanMetricDimension {
  attribute: string;
  label: string;
}

const KIND_LABEL: Record<string, string> = {
  server: 'SPAN_KIND_SERVER',
  client: 'SPAN_KIND_CLIENT',
  producer: 'SPAN_KIND_PRODUCER',
  consumer: 'SPAN_KIND_CONSUMER',
  internal: 'SPAN_KIND_INTERNAL',
  unspecified: 'SPAN_KIND_UNSPECIFIED',
};

/**
 * Translates an SLO's TraceQL filter into label matchers on the span metrics. The SLI is
 * computed from the span metrics (100% of spans, before sampling), so a filter can use only
 * what those series carry: the span name, kind, service and the configured dimensions, joined
 * with `&&`. Anything else is refused with what is allowed.
 */
export function filterMatchers(filter: string, dimensions: readonly SpanMetricDimension[]): Matcher[] {
  let query: ReturnType<typeof parse>;
  try {
    query = parse(filter);
  } catch (err) {
    throw new Error(`filter: ${err instanceof TraceQLError ? err.message : String(err)}`);
  }
  if (query.stages.length > 0 || query.spanset.kind !== 'filter')
    throw new Error('filter: only one span filter { ... } is allowed (no pipelines or spanset operators)');
  const out: Matcher[] = [];
  const allowed = () =>
    `allowed: name, kind, resource.service.name${dimensions.length ? `, ${dimensions.map((d) => d.attribute).join(', ')}` : ''} (derived.dimensions)`;
  const walk = (e: SpanExpr) => {
    if (e.kind === 'true') return;
    if (e.kind === 'or') throw new Error('filter: || cannot be expressed on span metrics; use one SLO per alternative');
    if (e.kind !== 'compare') {
      walk(e.left);
      walk(e.right);
      return;
    }
    if (!['=', '!=', '=~', '!~'].includes(e.op))
      throw new Error(`filter: only =, !=, =~ and !~ can be expressed on span metrics (got ${e.op})`);
    const label = labelOf(e.field, dimensions);
    if (!label) throw new Error(`filter: ${fieldText(e.field)} is not a span-metrics label; ${allowed()}`);
    out.push({ name: label, op: e.op as Matcher['op'], value: literalValue(label, e.value) });
  };
  walk(query.spanset.expr);
  return out;
}

function labelOf(f: Field, dimensions: readonly SpanMetricDimension[]): string | null {
  if (f.kind === 'intrinsic') return f.name === 'name' ? 'span_name' : f.name === 'kind' ? 'span_kind' : null;
  if (f.key === 'service.name' && f.scope !== 'span') return 'service';
  return dimensions.find((d) => d.attribute === f.key)?.label ?? null;
}

function fieldText(f: Field): string {
  return f.kind === 'intrinsic' ? f.name : `${f.scope === 'any' ? '' : f.scope}.${f.key}`;
}

function literalValue(label: string, v: Literal): string {
  if (v.type === 'kind') return KIND_LABEL[v.value]!;
  if (label === 'span_kind' && v.type === 'string') return KIND_LABEL[v.value.toLowerCase()] ?? v.value;
  if (v.type === 'string') return v.value;
  if (v.type === 'number' || v.type === 'boolean') return String(v.value);
  throw new Error(`filter: a ${v.type} value cannot be compared with a span-metrics label`);
}
