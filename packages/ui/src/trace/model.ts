// A trace as flat arrays built once from OTLP/JSON TracesData: tree order, depth, timing.
// Attributes stay in the raw OTLP objects and are decoded only for the selected span, so a
// 100,000-span trace is cheap to open.

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}
export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind?: number | string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpKeyValue[];
  events?: { timeUnixNano: string; name: string; attributes?: OtlpKeyValue[] }[];
  links?: { traceId: string; spanId: string; traceState?: string; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number | string; message?: string };
}
export interface OtlpTracesData {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { scope?: { name?: string; version?: string }; spans?: OtlpSpan[] }[];
  }[];
}

export interface Span {
  /** Position in the tree (DFS) order. */
  index: number;
  spanId: string;
  parentId: string;
  name: string;
  service: string;
  /** ns from the trace's earliest start. */
  start: number;
  duration: number;
  depth: number;
  parent: number; // index or -1
  children: number[];
  error: boolean;
  raw: OtlpSpan;
  resource: OtlpKeyValue[];
  scope: string;
}

export interface Trace {
  traceId: string;
  spans: Span[];
  byId: Map<string, number>;
  /** ns since epoch of the earliest span start. */
  startNs: bigint;
  duration: number;
  services: string[];
  /** spanId -> spans in this trace whose links point at it. */
  backlinks: Map<string, number[]>;
}

const KINDS = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
export function kindName(k: OtlpSpan['kind']): string {
  if (typeof k === 'string')
    return k
      .replace(/^SPAN_KIND_/, '')
      .toLowerCase()
      .replace(/^./, (c) => c.toUpperCase());
  return KINDS[k ?? 0] ?? 'Unspecified';
}
export function statusName(s: OtlpSpan['status']): 'Ok' | 'Error' | 'Unset' {
  const c = s?.code;
  if (c === 2 || c === 'STATUS_CODE_ERROR') return 'Error';
  if (c === 1 || c === 'STATUS_CODE_OK') return 'Ok';
  return 'Unset';
}

export function buildTrace(data: OtlpTracesData): Trace {
  const flat: { raw: OtlpSpan; service: string; resource: OtlpKeyValue[]; scope: string }[] = [];
  let traceId = '';
  for (const rs of data.resourceSpans ?? []) {
    const resource = rs.resource?.attributes ?? [];
    let service = 'unknown';
    for (const kv of resource) if (kv.key === 'service.name') service = kv.value?.stringValue ?? service;
    for (const ss of rs.scopeSpans ?? []) {
      const scope = ss.scope?.name ?? '';
      for (const raw of ss.spans ?? []) {
        flat.push({ raw, service, resource, scope });
        traceId ||= raw.traceId;
      }
    }
  }
  let min = 0n;
  let max = 0n;
  const starts = new Array<bigint>(flat.length);
  const ends = new Array<bigint>(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const s = BigInt(flat[i].raw.startTimeUnixNano);
    const e = BigInt(flat[i].raw.endTimeUnixNano);
    starts[i] = s;
    ends[i] = e < s ? s : e;
    if (i === 0 || s < min) min = s;
    if (i === 0 || ends[i] > max) max = ends[i];
  }
  const nodes = flat.map((f, i): Span => {
    const status = statusName(f.raw.status);
    return {
      index: -1,
      spanId: f.raw.spanId,
      parentId: f.raw.parentSpanId ?? '',
      name: f.raw.name,
      service: f.service,
      start: Number(starts[i] - min),
      duration: Number(ends[i] - starts[i]),
      depth: 0,
      parent: -1,
      children: [],
      error: status === 'Error',
      raw: f.raw,
      resource: f.resource,
      scope: f.scope,
    };
  });
  const byRawId = new Map<string, Span>();
  for (const n of nodes) byRawId.set(n.spanId, n);
  // Roots: no parent, or a parent that never arrived (shown at top level).
  const roots: Span[] = [];
  const kids = new Map<Span, Span[]>();
  for (const n of nodes) {
    const p = n.parentId ? byRawId.get(n.parentId) : undefined;
    if (!p || p === n) roots.push(n);
    else {
      const list = kids.get(p);
      if (list) list.push(n);
      else kids.set(p, [n]);
    }
  }
  const byStart = (a: Span, b: Span) => a.start - b.start || (a.name < b.name ? -1 : 1);
  roots.sort(byStart);
  // Iterative DFS so depth is unbounded.
  const order: Span[] = [];
  const stack: { s: Span; depth: number; parent: number }[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ s: roots[i], depth: 0, parent: -1 });
  while (stack.length) {
    const { s, depth, parent } = stack.pop()!;
    if (s.index !== -1) continue; // cycle guard
    s.index = order.length;
    s.depth = depth;
    s.parent = parent;
    if (parent >= 0) order[parent].children.push(s.index);
    order.push(s);
    const c = kids.get(s);
    if (c) {
      c.sort(byStart);
      for (let i = c.length - 1; i >= 0; i--) stack.push({ s: c[i], depth: depth + 1, parent: s.index });
    }
  }
  const byId = new Map<string, number>();
  const services = new Set<string>();
  const backlinks = new Map<string, number[]>();
  for (const s of order) {
    byId.set(s.spanId, s.index);
    services.add(s.service);
    for (const l of s.raw.links ?? []) {
      if (l.traceId !== traceId) continue;
      const list = backlinks.get(l.spanId);
      if (list) list.push(s.index);
      else backlinks.set(l.spanId, [s.index]);
    }
  }
  return {
    traceId,
    spans: order,
    byId,
    startNs: min,
    duration: Number(max - min),
    services: [...services].sort(),
    backlinks,
  };
}

/** Rows to show: tree order minus the descendants of collapsed spans. */
export function visibleRows(trace: Trace, collapsed: Set<number>): Int32Array {
  const out = new Int32Array(trace.spans.length);
  let n = 0;
  const spans = trace.spans;
  let i = 0;
  while (i < spans.length) {
    out[n++] = i;
    if (collapsed.has(i)) {
      // skip the subtree: it is contiguous in DFS order
      const d = spans[i].depth;
      i++;
      while (i < spans.length && spans[i].depth > d) i++;
    } else i++;
  }
  return out.subarray(0, n);
}

/**
 * Spans on the critical path: walking back from the root's end, the latest-finishing child
 * that ends before the current point is what the parent waited on.
 */
export function criticalPath(trace: Trace): Set<number> {
  const on = new Set<number>();
  const spans = trace.spans;
  const work: { i: number; bound: number }[] = [];
  for (const s of spans) if (s.parent === -1) work.push({ i: s.index, bound: s.start + s.duration });
  while (work.length) {
    const { i, bound } = work.pop()!;
    const s = spans[i];
    on.add(i);
    let cur = Math.min(bound, s.start + s.duration);
    const children = [...s.children].sort(
      (a, b) => spans[b].start + spans[b].duration - (spans[a].start + spans[a].duration),
    );
    for (const c of children) {
      const ch = spans[c];
      const end = ch.start + ch.duration;
      if (ch.start >= cur) continue;
      work.push({ i: c, bound: Math.min(end, cur) });
      cur = ch.start;
      if (cur <= s.start) break;
    }
  }
  return on;
}

export function anyValueText(v: OtlpAnyValue | undefined): string {
  if (!v) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.boolValue !== undefined) return String(v.boolValue);
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue) return `[${(v.arrayValue.values ?? []).map(anyValueText).join(', ')}]`;
  if (v.kvlistValue)
    return `{${(v.kvlistValue.values ?? []).map((kv) => `${kv.key}: ${anyValueText(kv.value)}`).join(', ')}}`;
  return '';
}
export function anyValueType(v: OtlpAnyValue | undefined): string {
  if (!v) return 'empty';
  if (v.stringValue !== undefined) return 'string';
  if (v.intValue !== undefined) return 'int';
  if (v.doubleValue !== undefined) return 'double';
  if (v.boolValue !== undefined) return 'bool';
  if (v.bytesValue !== undefined) return 'bytes';
  if (v.arrayValue) return 'array';
  if (v.kvlistValue) return 'kvlist';
  return 'empty';
}

/**
 * Find in trace: words are ANDed; `key=value` matches an attribute (span or resource), a
 * 16-hex word matches a span id, anything else is a case-insensitive substring of the name,
 * service, or any attribute value. Returns matching indices in tree order.
 */
export function findSpans(trace: Trace, query: string): number[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const tests = words.map((w) => {
    const eq = w.indexOf('=');
    if (eq > 0) {
      const key = w.slice(0, eq).replace(/^(span|resource)\./, '');
      const val = w.slice(eq + 1).replace(/^"|"$/g, '');
      return (s: Span) =>
        (s.raw.attributes ?? []).some(
          (kv) => kv.key.toLowerCase() === key && anyValueText(kv.value).toLowerCase() === val,
        ) ||
        s.resource.some((kv) => kv.key.toLowerCase() === key && anyValueText(kv.value).toLowerCase() === val) ||
        (key === 'name' && s.name.toLowerCase() === val) ||
        (key === 'service' && s.service.toLowerCase() === val) ||
        (key === 'status' && (s.error ? 'error' : statusName(s.raw.status).toLowerCase()) === val);
    }
    if (/^[0-9a-f]{16}$/.test(w)) return (s: Span) => s.spanId === w;
    return (s: Span) =>
      s.name.toLowerCase().includes(w) ||
      s.service.toLowerCase().includes(w) ||
      s.spanId.includes(w) ||
      (s.raw.attributes ?? []).some((kv) => anyValueText(kv.value).toLowerCase().includes(w));
  });
  const out: number[] = [];
  for (const s of trace.spans) if (tests.every((t) => t(s))) out.push(s.index);
  return out;
}

/** Indices of the ancestors of a span (nearest first). */
export function ancestors(trace: Trace, i: number): number[] {
  const out: number[] = [];
  let p = trace.spans[i]?.parent ?? -1;
  while (p >= 0) {
    out.push(p);
    p = trace.spans[p].parent;
  }
  return out;
}
