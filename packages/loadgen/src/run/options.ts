import { randomBytes } from 'node:crypto';
import { DEFAULT_RETRY_POLICY } from '../send/retry';
import { DEFAULT_WORKLOAD_OPTIONS } from '../workload/workload';
import { type LoadgenProtocol, PROTOCOLS } from './protocol';
import type { LoadgenSummary } from './summary';

export { type LoadgenProtocol, PROTOCOLS };
export type LoadgenSignal = 'traces' | 'logs' | 'metrics';

export const SIGNALS: readonly LoadgenSignal[] = ['traces', 'logs', 'metrics'];

export interface LoadgenOptions {
  /** OTLP/HTTP base URL (default http://127.0.0.1:4318) or gRPC host:port (default 127.0.0.1:4317). */
  endpoint?: string;
  /** Default 'http/protobuf'. */
  protocol?: LoadgenProtocol;
  /** Target spans per second; 0 = as fast as possible (default 1000). */
  rate?: number;
  /** How long to send (default 60 s unless `traces` is given). */
  durationMs?: number;
  /** Send exactly this many traces, then stop. */
  traces?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /**
   * Spans (or log records) per request, at most (default 500). Whole traces per request;
   * at a target rate below the batch, about one second of spans (64 at least).
   */
  batch?: number;
  /** Spread every trace over this many requests (default 1: whole traces per request). */
  splitTraces?: number;
  /** Default ['traces', 'logs']. */
  signals?: LoadgenSignal[];
  gzip?: boolean;
  /** Extra request headers / gRPC metadata, e.g. { Authorization: 'Bearer ...' }. */
  headers?: Record<string, string>;
  /** Seed of the workload (shapes, attributes and ids); random when absent, and printed. */
  seed?: number | string;
  errorFraction?: number;
  slowFraction?: number;
  logsPerSpan?: number;
  users?: number;
  fanout?: number;
  bigTraceFraction?: number;
  bigTraceSpans?: readonly [number, number];
  environment?: string;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  /** Retries after a retryable failure (default 5). */
  maxRetries?: number;
  /** A server-requested delay (Retry-After, RetryInfo) is cut to this (default 30 s). */
  maxRetryAfterMs?: number;
  /** How often metrics are exported when the metrics signal is on (default 10 s). */
  metricsIntervalMs?: number;
  /** Spans of distinct template traces kept encoded and reused (default 50,000). */
  templateSpans?: number;
  /** Return every trace's id and truth in the summary (for tests). */
  recordTraceIds?: boolean;
  /** CLI only: print the summary as JSON. runLoadgen ignores it. */
  json?: boolean;
  /** CLI only: print the usage. runLoadgen ignores it. */
  help?: boolean;
  /** Stops sending; requests in flight finish and are counted. */
  signal?: AbortSignal;
  /** Called with the summary so far every `progressIntervalMs` (default 5 s). */
  onProgress?: (summary: LoadgenSummary) => void;
  progressIntervalMs?: number;
  /** Wall clock in ms since the epoch, for timestamps (default performance.timeOrigin + performance.now()). */
  clock?: () => number;
}

export type ResolvedOptions = Required<
  Omit<LoadgenOptions, 'traces' | 'durationMs' | 'signal' | 'onProgress' | 'json' | 'help' | 'seed'>
> & {
  seed: string | number;
  traces: number | null;
  durationMs: number | null;
  signal: AbortSignal | null;
  onProgress: ((summary: LoadgenSummary) => void) | null;
};

export class LoadgenOptionsError extends Error {
  override readonly name = 'LoadgenOptionsError';
}

export function defaultEndpoint(protocol: LoadgenProtocol): string {
  return protocol === 'grpc' ? '127.0.0.1:4317' : 'http://127.0.0.1:4318';
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new LoadgenOptionsError(message);
}

const isInt = (n: number, min: number): boolean => Number.isInteger(n) && n >= min;
const isFraction = (n: number): boolean => Number.isFinite(n) && n >= 0 && n <= 1;

/** Fills defaults and refuses values that cannot work, with a message naming the option. */
export function resolveOptions(o: LoadgenOptions): ResolvedOptions {
  const protocol = o.protocol ?? 'http/protobuf';
  check(PROTOCOLS.includes(protocol), `protocol must be one of ${PROTOCOLS.join(', ')}, not ${protocol}`);
  const endpoint = o.endpoint ?? defaultEndpoint(protocol);
  if (protocol !== 'grpc') {
    let url: URL | null = null;
    try {
      url = new URL(endpoint);
    } catch {
      // reported below
    }
    check(
      url !== null && (url.protocol === 'http:' || url.protocol === 'https:'),
      `endpoint must be an http(s) URL for ${protocol}, like http://127.0.0.1:4318 (got ${endpoint})`,
    );
  } else {
    check(
      /^(https?:\/\/)?[^/\s]+:\d+\/?$/.test(endpoint),
      `endpoint must be host:port for grpc, like 127.0.0.1:4317 (got ${endpoint})`,
    );
  }
  const r: ResolvedOptions = {
    endpoint,
    protocol,
    rate: o.rate ?? 1000,
    durationMs: o.durationMs ?? (o.traces === undefined ? 60_000 : null),
    traces: o.traces ?? null,
    concurrency: o.concurrency ?? 4,
    batch: o.batch ?? 500,
    splitTraces: o.splitTraces ?? 1,
    signals: o.signals ?? ['traces', 'logs'],
    gzip: o.gzip ?? false,
    headers: o.headers ?? {},
    seed: o.seed ?? randomBytes(4).toString('hex'),
    errorFraction: o.errorFraction ?? DEFAULT_WORKLOAD_OPTIONS.errorFraction,
    slowFraction: o.slowFraction ?? DEFAULT_WORKLOAD_OPTIONS.slowFraction,
    logsPerSpan: o.logsPerSpan ?? DEFAULT_WORKLOAD_OPTIONS.logsPerSpan,
    users: o.users ?? DEFAULT_WORKLOAD_OPTIONS.users,
    fanout: o.fanout ?? DEFAULT_WORKLOAD_OPTIONS.fanout,
    bigTraceFraction: o.bigTraceFraction ?? DEFAULT_WORKLOAD_OPTIONS.bigTraceFraction,
    bigTraceSpans: o.bigTraceSpans ?? DEFAULT_WORKLOAD_OPTIONS.bigTraceSpans,
    environment: o.environment ?? DEFAULT_WORKLOAD_OPTIONS.environment,
    timeoutMs: o.timeoutMs ?? 10_000,
    maxRetries: o.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
    maxRetryAfterMs: o.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
    metricsIntervalMs: o.metricsIntervalMs ?? 10_000,
    templateSpans: o.templateSpans ?? 50_000,
    recordTraceIds: o.recordTraceIds ?? false,
    signal: o.signal ?? null,
    onProgress: o.onProgress ?? null,
    progressIntervalMs: o.progressIntervalMs ?? 5000,
    clock: o.clock ?? (() => performance.timeOrigin + performance.now()),
  };
  check(Number.isFinite(r.rate) && r.rate >= 0, `rate must be a number of spans per second >= 0 (got ${r.rate})`);
  check(r.durationMs === null || (Number.isFinite(r.durationMs) && r.durationMs > 0), 'duration must be > 0');
  check(r.traces === null || isInt(r.traces, 1), `traces must be a whole number >= 1 (got ${r.traces})`);
  check(isInt(r.concurrency, 1), `concurrency must be a whole number >= 1 (got ${r.concurrency})`);
  check(isInt(r.batch, 1), `batch must be a whole number of spans >= 1 (got ${r.batch})`);
  check(isInt(r.splitTraces, 1), `split-traces must be a whole number >= 1 (got ${r.splitTraces})`);
  check(r.signals.length > 0, 'signals must name at least one of traces, logs, metrics');
  for (const s of r.signals) check(SIGNALS.includes(s), `unknown signal ${s} (traces, logs, metrics)`);
  check(isFraction(r.errorFraction), `error-fraction must be between 0 and 1 (got ${r.errorFraction})`);
  check(isFraction(r.slowFraction), `slow-fraction must be between 0 and 1 (got ${r.slowFraction})`);
  check(isFraction(r.bigTraceFraction), `big-trace-fraction must be between 0 and 1 (got ${r.bigTraceFraction})`);
  check(Number.isFinite(r.logsPerSpan) && r.logsPerSpan >= 0, `logs-per-span must be >= 0 (got ${r.logsPerSpan})`);
  check(isInt(r.users, 1), `users must be a whole number >= 1 (got ${r.users})`);
  check(Number.isFinite(r.fanout) && r.fanout > 0, `fanout must be > 0 (got ${r.fanout})`);
  check(
    isInt(r.bigTraceSpans[0], 1) && isInt(r.bigTraceSpans[1], r.bigTraceSpans[0]),
    'bigTraceSpans must be [min, max] with 1 <= min <= max',
  );
  check(Number.isFinite(r.timeoutMs) && r.timeoutMs > 0, 'timeout must be > 0');
  check(isInt(r.maxRetries, 0), `max-retries must be a whole number >= 0 (got ${r.maxRetries})`);
  check(Number.isFinite(r.metricsIntervalMs) && r.metricsIntervalMs > 0, 'metrics interval must be > 0');
  check(isInt(r.templateSpans, 0), 'templateSpans must be a whole number >= 0');
  return r;
}
