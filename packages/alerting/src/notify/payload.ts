import type { Labels } from '../labels';
import type { Alert } from '../state/alert';

/** An alert as Alertmanager's v2 API takes it (POST /api/v2/alerts, a JSON array of these). */
export interface PostableAlert {
  labels: Labels;
  annotations: Labels;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

/** Where an alert's "source" link points: tracehouse's alerts page for the rule's expression. */
export function generatorUrl(externalUrl: string, expr: string): string {
  return `${externalUrl.replace(/\/$/, '')}/alerts?expr=${encodeURIComponent(expr)}`;
}

/**
 * Prometheus's conversion (rules/manager.go SendAlerts): startsAt is when it started firing,
 * endsAt the resolution time or, while firing, validUntil.
 */
export function postableAlert(a: Alert, generatorURL: string): PostableAlert {
  return {
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.firedAtMs).toISOString(),
    endsAt: new Date(a.resolvedAtMs !== 0 ? a.resolvedAtMs : a.validUntilMs).toISOString(),
    generatorURL,
  };
}

/**
 * The generic webhook's body: Alertmanager's webhook format (version 4), so receivers written
 * for Alertmanager's webhooks read it unchanged.
 */
export function webhookPayload(alerts: readonly PostableAlert[], externalUrl: string, nowMs: number) {
  const status = (a: PostableAlert) => (Date.parse(a.endsAt) <= nowMs ? 'resolved' : 'firing');
  return {
    version: '4',
    receiver: 'tracehouse',
    status: alerts.some((a) => status(a) === 'firing') ? 'firing' : 'resolved',
    externalURL: externalUrl,
    groupLabels: {},
    commonLabels: commonOf(alerts.map((a) => a.labels)),
    commonAnnotations: commonOf(alerts.map((a) => a.annotations)),
    alerts: alerts.map((a) => ({
      status: status(a),
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: status(a) === 'resolved' ? a.endsAt : '0001-01-01T00:00:00Z',
      generatorURL: a.generatorURL,
    })),
  };
}

function commonOf(sets: readonly Labels[]): Labels {
  if (sets.length === 0) return {};
  const out: Labels = { ...sets[0] };
  for (const s of sets.slice(1)) for (const k of Object.keys(out)) if (s[k] !== out[k]) delete out[k];
  return out;
}
