import type { SpanNode } from './span-node';
import { visit } from './span-node';

/**
 * Ordinary traces keep every span under this, so that the platform's latency rule
 * (`sampling.latencyThreshold`, 1 s by default) sees exactly the slow traces the generator
 * reports and none of the others: a big trace of thousands of sequential queries would
 * otherwise cross it by accident.
 */
export const MAX_ORDINARY_SPAN_NS = 800_000_000;

/**
 * Lays out the tree in time: a span starts after its gap, spends `before`, runs its
 * children (one after the other, or together when `concurrent`), spends `after`, and
 * ends. Async children (consumers) start only after their parent ends. All self times are
 * multiplied by `scale`; the slow span's extra time is not.
 */
export function layout(node: SpanNode, start: number, scale: number): number {
  node.start = start;
  let cursor = start + Math.round(node.before * scale) + node.slowExtra;
  let groupStart = cursor;
  for (const child of node.children) {
    if (child.async) continue;
    const childStart = child.concurrent
      ? groupStart + Math.round(child.gap * scale)
      : cursor + Math.round(child.gap * scale);
    if (!child.concurrent) groupStart = childStart;
    cursor = Math.max(cursor, layout(child, childStart, scale));
  }
  node.end = cursor + Math.round(node.after * scale);
  for (const child of node.children) {
    if (child.async) layout(child, node.end + Math.round(child.gap * scale), scale);
  }
  return node.end;
}

function longestSpan(root: SpanNode): number {
  let longest = 0;
  visit(root, (n) => {
    longest = Math.max(longest, n.end - n.start);
  });
  return longest;
}

/** Lays the trace out at offset 0, compressed when needed so that only the slow span is long. */
export function layoutTrace(root: SpanNode): void {
  const extras: [SpanNode, number][] = [];
  visit(root, (n) => {
    if (n.slowExtra > 0) extras.push([n, n.slowExtra]);
    n.slowExtra = 0;
  });
  layout(root, 0, 1);
  const longest = longestSpan(root);
  const scale = longest > MAX_ORDINARY_SPAN_NS ? MAX_ORDINARY_SPAN_NS / longest : 1;
  for (const [n, extra] of extras) n.slowExtra = extra;
  if (scale !== 1 || extras.length > 0) layout(root, 0, scale);
}
