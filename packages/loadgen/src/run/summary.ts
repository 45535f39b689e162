import type { LoadgenProtocol } from './protocol';

/** Items of one signal (spans, log records or metric data points). */
export interface SignalCounts {
  /** Requests that carried this signal (each counted once, however many attempts). */
  requests: number;
  /** Items in all those requests: acknowledged + rejected + failed. */
  sent: number;
  /** Items the server accepted (a success answer, minus what it rejected). */
  acknowledged: number;
  /** Items a success answer rejected through partial_success. */
  rejected: number;
  /** Items in requests given up on (a final refusal, or out of retries). */
  failed: number;
}

/** Ground truth for one trace (with `recordTraceIds`). */
export interface TraceTruth {
  traceId: string;
  spanCount: number;
  logCount: number;
  hasError: boolean;
  isSlow: boolean;
  rootService: string;
  rootSpanName: string;
  /** Every request carrying its spans and logs was acknowledged. */
  acknowledged: boolean;
}

export interface LoadgenSummary {
  protocol: LoadgenProtocol;
  endpoint: string;
  seed: string;
  gzip: boolean;
  /** Target spans/s; 0 = as fast as possible. */
  targetRate: number;
  concurrency: number;
  batch: number;
  /** Building and encoding the template pool, before the clock of the run started. */
  prepareMs: number;
  elapsedMs: number;
  /** All requests, all signals, each counted once. */
  requests: number;
  /** Extra attempts after a retryable failure. */
  retries: number;
  /** Requests given up on. */
  failures: number;
  /** First error messages seen (at most 5), for a human to read. */
  errors: string[];
  spans: SignalCounts;
  logs: SignalCounts;
  metricPoints: SignalCounts;
  traces: {
    /** Traces whose every request was sent (acknowledged or not). */
    sent: number;
    /** Traces whose every request was acknowledged. */
    acknowledged: number;
    /** Among the acknowledged traces: those with an error span, and those with a slow span. */
    error: number;
    slow: number;
  };
  /** Acknowledged spans per second of the run. */
  spansPerSecond: number;
  /** Latency of every attempt, ms. */
  latencyMs: { p50: number; p99: number; max: number };
  /** Acknowledged-request spans per service, and per service and span name. */
  spansByService: Record<string, number>;
  spansBySpanName: Record<string, Record<string, number>>;
  traceIds?: TraceTruth[];
}

export function emptyCounts(): SignalCounts {
  return { requests: 0, sent: 0, acknowledged: 0, rejected: 0, failed: 0 };
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

function counts(prefix: string, c: SignalCounts): string {
  return `loadgen.${prefix}: requests=${c.requests} sent=${c.sent} acknowledged=${c.acknowledged} rejected=${c.rejected} failed=${c.failed}`;
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/**
 * One stable block: `key=value` lines, each starting with `loadgen` so that a benchmark
 * log can be grepped; the first line has the figures people look for first.
 */
export function formatSummary(s: LoadgenSummary): string {
  const rejected = s.spans.rejected + s.logs.rejected + s.metricPoints.rejected;
  const lines = [
    `loadgen: spans_sent=${s.spans.sent} spans_acknowledged=${s.spans.acknowledged} spans_per_s=${Math.round(s.spansPerSecond)} requests=${s.requests} p99_ms=${round(s.latencyMs.p99)} rejected=${rejected} failures=${s.failures}`,
    `loadgen.run: protocol=${s.protocol} endpoint=${s.endpoint} gzip=${s.gzip} seed=${quote(s.seed)} target_rate=${s.targetRate} concurrency=${s.concurrency} batch=${s.batch} elapsed_ms=${Math.round(s.elapsedMs)} prepare_ms=${Math.round(s.prepareMs)}`,
    `loadgen.requests: total=${s.requests} retries=${s.retries} failures=${s.failures} p50_ms=${round(s.latencyMs.p50)} p99_ms=${round(s.latencyMs.p99)} max_ms=${round(s.latencyMs.max)}`,
    `loadgen.traces: sent=${s.traces.sent} acknowledged=${s.traces.acknowledged} error=${s.traces.error} slow=${s.traces.slow}`,
    counts('spans', s.spans),
    counts('logs', s.logs),
    counts('metric_points', s.metricPoints),
  ];
  for (const service of Object.keys(s.spansByService).sort()) {
    lines.push(`loadgen.service: service=${service} spans=${s.spansByService[service]}`);
  }
  for (const service of Object.keys(s.spansBySpanName).sort()) {
    const names = s.spansBySpanName[service];
    for (const name of Object.keys(names).sort()) {
      lines.push(`loadgen.span: service=${service} name=${quote(name)} spans=${names[name]}`);
    }
  }
  for (const error of s.errors) lines.push(`loadgen.error: ${quote(error)}`);
  return lines.join('\n');
}
