import type { ExportResult } from './exporter';

export interface RetryPolicy {
  /** Attempts after the first one (default 5). */
  maxRetries: number;
  /** First backoff when the server gives no delay; doubles each attempt (default 250 ms). */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A server-requested delay longer than this is cut to it, so a run always ends. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  initialBackoffMs: 250,
  maxBackoffMs: 5000,
  maxRetryAfterMs: 30_000,
};

/** OTLP/HTTP: these statuses are worth retrying, everything else 4xx/5xx is final. */
export const RETRYABLE_HTTP_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * OTLP/gRPC's retryable codes: CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED,
 * OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS. (The spec retries RESOURCE_EXHAUSTED only with
 * RetryInfo; a server that sheds load without it still wants us to back off, not drop.)
 */
export const RETRYABLE_GRPC_CODES: ReadonlySet<number> = new Set([1, 4, 8, 10, 11, 14, 15]);

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** Exponential backoff with jitter, so that concurrent senders do not retry in step. */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** retry);
  return base * (0.5 + random() / 2);
}

export interface Attempt {
  result: ExportResult;
  latencyMs: number;
}

export interface RetryHooks {
  sleep(ms: number): Promise<void>;
  now(): number;
  random(): number;
  onAttempt(attempt: Attempt): void;
  /** Stop retrying (the run was aborted). */
  aborted(): boolean;
}

/** Sends until acknowledged, refused for good, or out of retries; returns the final result. */
export async function sendWithRetry(
  send: () => Promise<ExportResult>,
  policy: RetryPolicy,
  hooks: RetryHooks,
): Promise<{ result: ExportResult; retries: number }> {
  for (let retry = 0; ; retry++) {
    const started = hooks.now();
    const result = await send();
    hooks.onAttempt({ result, latencyMs: hooks.now() - started });
    if (result.ok || !result.retryable || retry >= policy.maxRetries || hooks.aborted())
      return { result, retries: retry };
    const wait =
      result.retryAfterMs !== null
        ? Math.min(result.retryAfterMs, policy.maxRetryAfterMs)
        : backoffMs(retry, policy, hooks.random);
    await hooks.sleep(wait);
  }
}
