import type { Alert, GroupRule } from '@tracehouse/alerting';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AlertingService } from '../../alerting/service';
import { tenantOf } from '../../auth/hook';

/**
 * Prometheus's rule and alert listing (`/api/v1/rules`, `/api/v1/alerts`), shapes as in its
 * HTTP API, so Grafana's Prometheus datasource lists tracehouse's alerts. Beside the query
 * routes under /prometheus; this file only holds the alerting ones.
 */

const iso = (ms: number) => (ms === 0 ? '0001-01-01T00:00:00Z' : new Date(ms).toISOString());

/** strconv.FormatFloat(v, 'e', -1, 64), how Prometheus prints an alert's value. */
export function promAlertValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const [m, e] = v.toExponential().split('e');
  const n = Math.abs(Number(e));
  return `${m}e${Number(e) < 0 ? '-' : '+'}${n < 10 ? `0${n}` : n}`;
}

const alertJson = (a: Alert) => ({
  labels: a.labels,
  annotations: a.annotations,
  state: a.state,
  activeAt: iso(a.activeAtMs),
  ...(a.keepFiringSinceMs ? { keepFiringSince: iso(a.keepFiringSinceMs) } : {}),
  value: promAlertValue(a.value),
});

const RANK = { inactive: 0, pending: 1, firing: 2 } as const;

function ruleJson(r: GroupRule) {
  const health = {
    health: r.health.health,
    lastError: r.health.lastError,
    evaluationTime: r.health.evaluationDurationMs / 1000,
    lastEvaluation: iso(r.health.lastEvaluationMs),
  };
  if (r.kind === 'recording')
    return { name: r.rule.def.record, query: r.rule.def.expr, labels: r.rule.def.labels, ...health, type: 'recording' };
  const alerts = [...r.rule.active.values()].filter((a) => a.state !== 'inactive');
  const state = alerts.reduce<keyof typeof RANK>((s, a) => (RANK[a.state] > RANK[s] ? a.state : s), 'inactive');
  return {
    state,
    name: r.rule.def.alert,
    query: r.rule.def.expr,
    duration: r.rule.def.forMs / 1000,
    keepFiringFor: r.rule.def.keepFiringForMs / 1000,
    labels: r.rule.def.labels,
    annotations: r.rule.def.annotations,
    alerts: alerts.map(alertJson),
    ...health,
    type: 'alerting',
  };
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

export function prometheusAlertingRoutes(app: FastifyInstance, getAlerting: () => AlertingService | undefined): void {
  // The rules are the deployment's; their alerts belong to the tenant whose data they read.
  const mine = (req: FastifyRequest): AlertingService | undefined => {
    const alerting = getAlerting();
    return alerting && tenantOf(req) === alerting.tenant ? alerting : undefined;
  };

  app.get(
    '/prometheus/api/v1/rules',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: "Alerting and recording rules with their state and health (Prometheus's /api/v1/rules)",
        tags: ['alerting'],
        querystring: {
          type: 'object',
          properties: {
            type: { type: 'string', enum: ['alert', 'record'] },
            'rule_name[]': { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
            'rule_group[]': { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
            'file[]': { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
          },
        },
      },
    },
    async (req) => {
      const alerting = mine(req);
      if (!alerting) return { status: 'success', data: { groups: [] } };
      const q = req.query as Record<string, unknown>;
      const names = list(q['rule_name[]']);
      const groupNames = list(q['rule_group[]']);
      const files = list(q['file[]']);
      const groups = alerting.manager.groups
        .filter(
          (g) =>
            (groupNames.length === 0 || groupNames.includes(g.def.name)) &&
            (files.length === 0 || files.includes(g.def.file)),
        )
        .map((g) => ({
          name: g.def.name,
          file: g.def.file,
          rules: g.rules
            .filter((r) => !q.type || (q.type === 'alert') === (r.kind === 'alerting'))
            .filter(
              (r) => names.length === 0 || names.includes(r.kind === 'alerting' ? r.rule.def.alert : r.rule.def.record),
            )
            .map(ruleJson),
          interval: g.def.intervalMs / 1000,
          limit: g.def.limit,
          evaluationTime: g.evaluationDurationMs / 1000,
          lastEvaluation: iso(g.lastEvaluationMs),
        }))
        .filter((g) => g.rules.length > 0 || (names.length === 0 && !q.type));
      return { status: 'success', data: { groups } };
    },
  );

  app.get(
    '/prometheus/api/v1/alerts',
    {
      config: { auth: 'viewer' },
      schema: { summary: "Pending and firing alerts (Prometheus's /api/v1/alerts)", tags: ['alerting'] },
    },
    async (req) => {
      const alerting = mine(req);
      if (!alerting) return { status: 'success', data: { alerts: [] } };
      const alerts = alerting.manager
        .alerts()
        .filter(({ alert }) => alert.state !== 'inactive')
        .map(({ alert }) => alertJson(alert));
      return { status: 'success', data: { alerts } };
    },
  );
}
