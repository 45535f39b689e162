import type { DerivedStore } from '@tracehouse/derived';
import type { Engine, SeriesSource } from '@tracehouse/promql';
import { DEFAULT_TENANT, type Store } from '@tracehouse/store';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Config } from '../config/schema';
import { TraceLinker } from './links';
import type { LoadedRules } from './load';
import { AlertingManager } from './manager';
import { Notifier, notifyTargets } from './notifier';
import { EngineQuerier } from './querier';
import type { AlertingService } from './service';

export interface Alerting extends AlertingService {
  notifier: Notifier;
  stop(): Promise<void>;
}

export interface AlertingDeps {
  config: Config;
  rules: LoadedRules;
  store: Store;
  derived: DerivedStore | undefined;
  registry: Registry;
  /** A PromQL engine over a tenant's series (stored, derived and recorded). */
  engine: (tenant: string, decorate?: (source: SeriesSource) => SeriesSource) => Engine;
  /** Where links point when alerting.externalUrl is not set. */
  apiUrl: string;
  clock?: () => number;
  /** false = no timers: tests call manager.evaluateAll(). */
  start?: boolean;
}

/** Wires rule evaluation, alert state, delivery and trace links; restores stored alerts first. */
export async function startAlerting(d: AlertingDeps): Promise<Alerting> {
  const { config, rules, registry } = d;
  const externalUrl = (config['alerting.externalUrl'] || d.apiUrl).replace(/\/$/, '');
  const targets = notifyTargets(config['alerting.alertmanagerUrl'], config['alerting.webhookUrl']);
  const store = d.store.alerting;
  await store.applyRetention(config['retention.metrics'] / 1000);

  const sent = new Counter({
    name: 'tracehouse_alerts_sent_total',
    help: 'Alerts delivered, per target',
    labelNames: ['target'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'tracehouse_alert_notification_errors_total',
    help: 'Failed deliveries (retried with backoff), per target',
    labelNames: ['target'],
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'tracehouse_alerts_dropped_total',
    help: 'Alerts dropped from a full delivery queue, per target',
    labelNames: ['target'],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'tracehouse_rule_evaluation_failures_total',
    help: 'Rule evaluations that failed',
    labelNames: ['rule_group'],
    registers: [registry],
  });
  const duration = new Gauge({
    name: 'tracehouse_rule_group_last_duration_seconds',
    help: 'Duration of the last evaluation of a rule group',
    labelNames: ['rule_group'],
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'tracehouse_rule_group_last_lag_seconds',
    help: 'How late the last evaluation of a rule group started',
    labelNames: ['rule_group'],
    registers: [registry],
  });
  // Targets are labelled by position: their URLs may carry credentials.
  const targetLabel = (url: string) => `${targets.findIndex((t) => t.url === url)}`;
  const notifier = new Notifier({
    targets,
    externalUrl,
    onSent: (url, n) => sent.inc({ target: targetLabel(url) }, n),
    onError: (url, err) => {
      errors.inc({ target: targetLabel(url) });
      console.error(
        `alert delivery to target ${targetLabel(url)} failed: ${(err as Error)?.message ?? err} (retrying)`,
      );
    },
    onDropped: (url, n) => dropped.inc({ target: targetLabel(url) }, n),
  });
  const querier = new EngineQuerier(d.engine, config['promql.timeout']);
  const manager = new AlertingManager({
    groups: rules.groups,
    querier,
    store,
    notifier,
    linker: new TraceLinker(externalUrl, d.derived, new Map(rules.slos.map((s) => [s.name, s]))),
    tenant: DEFAULT_TENANT,
    externalUrl,
    resendDelayMs: config['alerting.resendDelay'],
    clock: d.clock,
    onError: (what, err) => console.error(`alerting: ${what}: ${(err as Error)?.message ?? err}`),
    onEvaluated: (g, lagMs, failed) => {
      duration.set({ rule_group: g.def.name }, g.evaluationDurationMs / 1000);
      lag.set({ rule_group: g.def.name }, Math.max(0, lagMs) / 1000);
      if (failed > 0) failures.inc({ rule_group: g.def.name }, failed);
    },
  });
  await manager.restore();
  if (d.start !== false && rules.groups.length > 0) manager.start();
  return {
    manager,
    notifier,
    slos: rules.slos,
    tenant: DEFAULT_TENANT,
    async stop() {
      await manager.stop();
      notifier.stop();
    },
  };
}
