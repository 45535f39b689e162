import type { Labels } from '../labels';

/** Prometheus's alert states; a resolved alert is `inactive` with a `resolvedAtMs`. */
export type AlertState = 'pending' | 'firing' | 'inactive';

/** One alert of an alerting rule: one label set its expression returned. Times are Unix ms; 0 = never. */
export interface Alert {
  fingerprint: string;
  labels: Labels;
  annotations: Labels;
  state: AlertState;
  value: number;
  /** When the expression first returned this label set (the start of `for`). */
  activeAtMs: number;
  /** When it started firing: the `startsAt` Alertmanager sees. */
  firedAtMs: number;
  resolvedAtMs: number;
  lastSentAtMs: number;
  /** Until when Alertmanager should consider it firing without hearing from us again. */
  validUntilMs: number;
  /** While `keep_firing_for` holds a firing alert whose expression stopped returning it. */
  keepFiringSinceMs: number;
}

/** Resolved alerts are kept, and resent, this long so that Alertmanager learns they resolved. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/** Prometheus's --rules.alert.resend-delay default. */
export const RESEND_DELAY_MS = 60_000;

/** Prometheus's `needsSending`: firing alerts every resend delay, a resolution once right away. */
export function needsSending(a: Alert, nowMs: number, resendDelayMs: number): boolean {
  if (a.state === 'pending') return false;
  if (a.resolvedAtMs > a.lastSentAtMs) return true;
  // Never sent (Prometheus's zero time is long before any resend delay).
  if (a.lastSentAtMs === 0) return true;
  return a.lastSentAtMs + resendDelayMs < nowMs;
}

/**
 * Marks the alerts that need sending as sent at `nowMs` and returns copies to send. endsAt is
 * `validUntil`: four evaluation or resend periods ahead, so two failed evaluations or sends
 * do not resolve an alert in Alertmanager (Prometheus's rule).
 */
export function takeAlertsToSend(
  alerts: Iterable<Alert>,
  nowMs: number,
  resendDelayMs: number,
  intervalMs: number,
): Alert[] {
  const out: Alert[] = [];
  for (const a of alerts) {
    if (!needsSending(a, nowMs, resendDelayMs)) continue;
    a.lastSentAtMs = nowMs;
    a.validUntilMs = nowMs + 4 * Math.max(resendDelayMs, intervalMs);
    out.push({ ...a, labels: { ...a.labels }, annotations: { ...a.annotations } });
  }
  return out;
}
