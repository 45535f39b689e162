import type { LogRecord, SpanRecord } from '@tracehouse/otlp';

/**
 * Which records go into which request. By default a request carries whole traces; a trace
 * larger than the batch is cut into batch-sized requests, as an SDK's batch processor
 * would. With `splitTraces` = k > 1, every trace is spread over k consecutive requests so
 * that the receiver has to reassemble it.
 */

function endNs(span: SpanRecord): bigint {
  return BigInt(span.Timestamp) + BigInt(span.Duration);
}

/** Spans in the order an SDK exports them: when they end, children before their parents. */
export function exportOrder(spans: readonly SpanRecord[]): SpanRecord[] {
  return spans
    .map((span, i) => ({ span, end: endNs(span), i }))
    .sort((a, b) => (a.end < b.end ? -1 : a.end > b.end ? 1 : a.i - b.i))
    .map((e) => e.span);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function planSpanBodies(
  traces: readonly (readonly SpanRecord[])[],
  batch: number,
  splitTraces: number,
): SpanRecord[][] {
  const total = traces.reduce((n, t) => n + t.length, 0);
  if (splitTraces <= 1 && total <= batch) return [traces.flat()];
  const k = Math.max(1, splitTraces);
  const parts: SpanRecord[][] = Array.from({ length: k }, () => []);
  for (const trace of traces) {
    const ordered = exportOrder(trace);
    // Segment j of each trace goes to request j. The n mod k longer segments go to the
    // requests that are shortest so far, so requests stay within one span of each other
    // and within the batch: a trace of k spans or more is then in exactly k requests.
    const base = Math.floor(ordered.length / k);
    const longer = new Set(
      parts
        .map((p, j) => [p.length, j] as const)
        .sort((a, b) => a[0] - b[0] || a[1] - b[1])
        .slice(0, ordered.length % k)
        .map(([, j]) => j),
    );
    let from = 0;
    for (let j = 0; j < k; j++) {
      const to = from + base + (longer.has(j) ? 1 : 0);
      for (let i = from; i < to; i++) parts[j].push(ordered[i]);
      from = to;
    }
  }
  return parts.filter((p) => p.length > 0).flatMap((p) => chunks(p, batch));
}

export function planLogBodies(logs: readonly LogRecord[], batch: number): LogRecord[][] {
  return logs.length === 0 ? [] : chunks(logs, batch);
}
