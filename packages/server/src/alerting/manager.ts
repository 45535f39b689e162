import {
  type Alert,
  type AlertingRule,
  type AlertLinker,
  type AlertState,
  generatorUrl,
  type InstantQuerier,
  postableAlert,
  RESEND_DELAY_MS,
  type RecordedSample,
  RuleGroup,
  type RuleGroupDef,
  takeAlertsToSend,
} from '@tracehouse/alerting';
import type { AlertingStore, StoredAlert } from '@tracehouse/store';
import { GroupCommit } from './groupCommit';
import type { Notifier } from './notifier';

export interface AlertingManagerOptions {
  groups: RuleGroupDef[];
  querier: InstantQuerier;
  store: AlertingStore;
  notifier: Notifier;
  linker?: AlertLinker;
  /** Whose data the rules read and whose alerts they are. */
  tenant: string;
  externalUrl: string;
  resendDelayMs?: number;
  clock?: () => number;
  onError?: (what: string, err: unknown) => void;
  /** Called after every group evaluation (self-metrics). */
  onEvaluated?: (group: RuleGroup, lagMs: number, failures: number) => void;
}

/**
 * Evaluates the rule groups on their intervals, keeps the alert state in the store and hands
 * alerts to the notifier as Prometheus's rule manager does. Nothing a rule does stops the loop:
 * a failing rule is reported unhealthy, a failing store write is retried with the next change.
 */
export class AlertingManager {
  readonly groups: RuleGroup[];
  private readonly timers = new Map<RuleGroup, NodeJS.Timeout>();
  private readonly running = new Map<RuleGroup, Promise<void>>();
  private readonly clock: () => number;
  private readonly resendDelayMs: number;
  private stopped = false;
  /** Alert rows whose write failed: written again with the next evaluation. */
  private unsaved = new Map<string, { key: string; alert: Alert | null; fingerprint: string }>();
  /** The recorded samples of groups that finish together are written in one insert. */
  private readonly recordedWrites: GroupCommit<RecordedSample>;

  constructor(private readonly o: AlertingManagerOptions) {
    this.clock = o.clock ?? Date.now;
    this.recordedWrites = new GroupCommit((rows) => o.store.writeRecorded(o.tenant, rows));
    this.resendDelayMs = o.resendDelayMs ?? RESEND_DELAY_MS;
    const context = { externalUrl: o.externalUrl, externalLabels: {} };
    this.groups = o.groups.map((g) => new RuleGroup(g, context));
  }

  /** Restores the stored alerts into their rules (before the first evaluation). */
  async restore(): Promise<number> {
    const stored = await this.o.store.loadAlerts(this.o.tenant);
    const byKey = new Map<string, StoredAlert[]>();
    for (const a of stored) byKey.set(a.ruleKey, [...(byKey.get(a.ruleKey) ?? []), a]);
    let restored = 0;
    for (const g of this.groups)
      for (const { key, rule } of g.alertingRules) {
        const alerts = (byKey.get(key) ?? []).map(toAlert);
        rule.restore(alerts);
        restored += alerts.length;
      }
    return restored;
  }

  /**
   * Starts every group's timer. Groups evaluate at multiples of their interval, so all groups of
   * one interval run at the same instants and share their reads (one read per metric per instant
   * instead of one per rule); their slots survive restarts. Prometheus instead spreads groups
   * over the interval by a hash of their name, which spreads its load but makes every group read
   * on its own.
   */
  start(): void {
    this.stopped = false;
    const now = this.clock();
    for (const g of this.groups) {
      const interval = g.def.intervalMs;
      this.schedule(g, Math.ceil(now / interval) * interval);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all(this.running.values());
  }

  /** Evaluates every group once at `nowMs` (tests drive time through this). */
  async evaluateAll(nowMs = this.clock()): Promise<void> {
    for (const g of this.groups) await this.evaluate(g, nowMs, nowMs);
  }

  /** Every alert of every rule, with its rule (the alerts API and UI). */
  alerts(): { group: RuleGroup; rule: AlertingRule; alert: Alert }[] {
    return this.groups.flatMap((group) =>
      group.alertingRules.flatMap(({ rule }) => [...rule.active.values()].map((alert) => ({ group, rule, alert }))),
    );
  }

  /** The last recorded samples of a metric (the SLO API reads recorded error ratios). */
  recorded(metric: string): RecordedSample[] {
    return this.groups.flatMap((g) =>
      g.rules.flatMap((r) => (r.kind === 'recording' && r.rule.def.record === metric ? r.rule.lastSamples : [])),
    );
  }

  private schedule(g: RuleGroup, dueMs: number): void {
    if (this.stopped) return;
    const delay = Math.max(0, dueMs - this.clock());
    const timer = setTimeout(() => {
      this.timers.delete(g);
      const started = this.clock();
      // Evaluations never overlap; one that runs past its interval skips the missed ticks, as in
      // Prometheus, and evaluates at the newest scheduled instant (not the moment the timer fired:
      // the groups of one instant then share their reads).
      const interval = g.def.intervalMs;
      const at = dueMs + Math.max(0, Math.floor((started - dueMs) / interval)) * interval;
      const run = this.evaluate(g, at, started).finally(() => {
        this.running.delete(g);
        this.schedule(g, at + interval);
      });
      this.running.set(g, run);
    }, delay);
    timer.unref();
    this.timers.set(g, timer);
  }

  private async evaluate(g: RuleGroup, nowMs: number, startedMs: number): Promise<void> {
    try {
      const result = await g.evaluate(
        this.o.querier,
        nowMs,
        this.o.tenant,
        (samples) => this.record(samples),
        this.o.linker,
      );
      for (const { key, changes } of result.changes) {
        for (const a of changes.upserted)
          this.unsaved.set(`${key}\n${a.fingerprint}`, { key, alert: a, fingerprint: a.fingerprint });
        for (const fp of changes.removed) this.unsaved.set(`${key}\n${fp}`, { key, alert: null, fingerprint: fp });
      }
      await this.save();
      const sends = g.alertingRules.flatMap(({ rule }) =>
        takeAlertsToSend(rule.active.values(), nowMs, this.resendDelayMs, g.def.intervalMs).map((a) =>
          postableAlert(a, generatorUrl(this.o.externalUrl, rule.def.expr)),
        ),
      );
      this.o.notifier.send(sends);
      const failures = g.rules.filter((r) => r.health.health === 'err' && r.health.lastEvaluationMs === nowMs).length;
      this.o.onEvaluated?.(g, startedMs - nowMs, failures);
    } catch (err) {
      this.o.onError?.(`rule group ${g.def.name}`, err);
    }
  }

  private record(samples: RecordedSample[]): Promise<void> {
    return this.recordedWrites.write(samples);
  }

  private async save(): Promise<void> {
    if (this.unsaved.size === 0) return;
    const entries = [...this.unsaved.entries()];
    const upserted = entries.flatMap(([, e]) => (e.alert ? [fromAlert(e.key, e.alert)] : []));
    const removed = entries.flatMap(([, e]) => (e.alert ? [] : [{ ruleKey: e.key, fingerprint: e.fingerprint }]));
    try {
      await this.o.store.saveAlerts(this.o.tenant, upserted, removed);
      for (const [k, e] of entries) if (this.unsaved.get(k) === e) this.unsaved.delete(k);
    } catch (err) {
      this.o.onError?.('saving alert state', err);
    }
  }
}

function toAlert(s: StoredAlert): Alert {
  return {
    fingerprint: s.fingerprint,
    labels: s.labels,
    annotations: s.annotations,
    state: s.state as AlertState,
    value: s.value,
    activeAtMs: s.activeAtMs,
    firedAtMs: s.firedAtMs,
    resolvedAtMs: s.resolvedAtMs,
    lastSentAtMs: 0,
    validUntilMs: 0,
    keepFiringSinceMs: s.keepFiringSinceMs,
  };
}

function fromAlert(ruleKey: string, a: Alert): StoredAlert {
  return {
    ruleKey,
    fingerprint: a.fingerprint,
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    value: a.value,
    activeAtMs: a.activeAtMs,
    firedAtMs: a.firedAtMs,
    resolvedAtMs: a.resolvedAtMs,
    keepFiringSinceMs: a.keepFiringSinceMs,
  };
}
