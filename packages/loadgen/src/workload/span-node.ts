import type { AttributeTypes, AttributeValues, SpanKindName, StatusCodeName } from '@tracehouse/otlp';
import type { ScopeCategory, ServiceInstance } from './resources';

/** What kind of work a span stands for; decides its error flavour and its log lines. */
export type SpanRole = 'server' | 'client' | 'external' | 'db' | 'internal' | 'producer' | 'consumer' | 'job';

export interface ExceptionEvent {
  /** Offset from the trace start, ns. */
  at: number;
  type: string;
  message: string;
  stacktrace: string;
}

/**
 * One span while a trace is being built: the shape comes first, times are laid out
 * afterwards (so that a slow span can stretch its ancestors), then faults, then records.
 * Times are ns offsets from the trace start: small enough for exact JS numbers.
 */
export interface SpanNode {
  parent: SpanNode | null;
  children: SpanNode[];
  instance: ServiceInstance;
  scope: ScopeCategory;
  role: SpanRole;
  name: string;
  kind: SpanKindName;
  attributes: AttributeValues;
  attributeTypes: AttributeTypes;
  /** The parent span lives in another process (server and consumer spans). */
  remoteParent: boolean;
  /** Self time before the first child and after the last one, ns. */
  before: number;
  after: number;
  /** Pause before this span starts (after the previous sibling, or the parent's start), ns. */
  gap: number;
  /** Starts together with the previous sibling instead of after it. */
  concurrent: boolean;
  /** Starts only after its parent ends (a message consumer): outside the parent's time range. */
  async: boolean;
  /** Extra self time of the injected slow span, ns (not scaled). */
  slowExtra: number;
  start: number;
  end: number;
  spanId: string;
  status: StatusCodeName;
  statusMessage: string;
  exception: ExceptionEvent | null;
  /** A consumer links to the producer span whose message it processes. */
  linkTo: SpanNode | null;
}

export function visit(node: SpanNode, fn: (node: SpanNode) => void): void {
  fn(node);
  for (const child of node.children) visit(child, fn);
}

/** Nodes in depth-first order, parents before children. */
export function flatten(root: SpanNode): SpanNode[] {
  const out: SpanNode[] = [];
  visit(root, (n) => out.push(n));
  return out;
}

/** True when the node or an ancestor started asynchronously (it cannot lengthen the root). */
export function inAsyncBranch(node: SpanNode): boolean {
  for (let n: SpanNode | null = node; n; n = n.parent) if (n.async) return true;
  return false;
}
