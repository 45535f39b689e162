import { fingerprint, type Labels, METRIC_NAME, sortedLabels } from '../labels';
import type { InstantQuerier, RecordedSample, Sample } from '../querier';
import type { RecordingRuleDef, RuleGroupDef } from '../rules/model';
import type { Alert } from '../state/alert';
import { type AlertChanges, AlertingRule, type TemplateContext } from '../state/alertingRule';

/** How a rule did at its last evaluation, as Prometheus's rules API reports it. */
export interface RuleHealth {
  health: 'ok' | 'err' | 'unknown';
  lastError: string;
  lastEvaluationMs: number;
  evaluationDurationMs: number;
}

/** Adds annotations (links to the traces behind an alert) when it starts firing. */
export interface AlertLinker {
  links(alert: Alert, rule: AlertingRule, tenant: string): Promise<Labels>;
}

export class RecordingRule {
  health: RuleHealth = unknownHealth();
  /** The last evaluation's samples (the SLO API reads recorded SLIs from here). */
  lastSamples: RecordedSample[] = [];
  constructor(readonly def: RecordingRuleDef) {}

  eval(samples: readonly Sample[], nowMs: number): RecordedSample[] {
    const seen = new Set<string>();
    return samples.map((s) => {
      const labels: Labels = { ...s.labels, ...this.def.labels };
      delete labels[METRIC_NAME];
      const sorted = sortedLabels(labels);
      const fp = fingerprint(sorted);
      if (seen.has(fp)) throw new Error('vector contains metrics with the same labelset after applying rule labels');
      seen.add(fp);
      return { metric: this.def.record, labels: sorted, value: s.value, timeMs: nowMs };
    });
  }
}

export type GroupRule =
  | { kind: 'alerting'; rule: AlertingRule; health: RuleHealth; key: string }
  | { kind: 'recording'; rule: RecordingRule; health: RuleHealth; key: string };

export interface GroupResult {
  recorded: RecordedSample[];
  /** Per alerting rule (by key): what changed, for the state store. */
  changes: { key: string; changes: AlertChanges }[];
}

const unknownHealth = (): RuleHealth => ({
  health: 'unknown',
  lastError: '',
  lastEvaluationMs: 0,
  evaluationDurationMs: 0,
});

/**
 * One rule group: its rules are evaluated in order at the same instant (a recording rule's
 * result is visible to the rules after it once stored). A rule that fails is marked unhealthy
 * and the others still run.
 */
export class RuleGroup {
  readonly rules: GroupRule[];
  lastEvaluationMs = 0;
  evaluationDurationMs = 0;

  constructor(
    readonly def: RuleGroupDef,
    context: TemplateContext,
  ) {
    const seen = new Map<string, number>();
    this.rules = def.rules.map((r) => {
      const name = r.kind === 'alerting' ? r.alert : r.record;
      const n = (seen.get(name) ?? 0) + 1;
      seen.set(name, n);
      // The state store's key of a rule: stable while the group and rule names and their order are.
      const key = `${def.name}/${name}/${n}`;
      return r.kind === 'alerting'
        ? { kind: 'alerting', rule: new AlertingRule(r, context), health: unknownHealth(), key }
        : { kind: 'recording', rule: new RecordingRule(r), health: unknownHealth(), key };
    });
  }

  get alertingRules(): { key: string; rule: AlertingRule }[] {
    return this.rules.flatMap((r) => (r.kind === 'alerting' ? [{ key: r.key, rule: r.rule }] : []));
  }

  async evaluate(
    querier: InstantQuerier,
    nowMs: number,
    tenant: string,
    record: (samples: RecordedSample[]) => Promise<void>,
    linker?: AlertLinker,
    monotonic: () => number = performance.now.bind(performance),
  ): Promise<GroupResult> {
    const groupStart = monotonic();
    const result: GroupResult = { recorded: [], changes: [] };
    const at = new Date(nowMs);
    const q = querier.forEvaluation?.(at, tenant, result.recorded) ?? querier;
    await q.prefetch?.(
      this.rules.map((r) => r.rule.def.expr),
      at,
    );
    for (const r of this.rules) {
      const start = monotonic();
      try {
        const samples = await q.query(r.rule.def.expr, at, tenant);
        if (this.def.limit > 0 && samples.length > this.def.limit)
          throw new Error(
            `exceeded limit of ${this.def.limit} with ${samples.length} ${r.kind === 'alerting' ? 'alerts' : 'series'}`,
          );
        if (r.kind === 'recording') {
          const recorded = r.rule.eval(samples, nowMs);
          r.rule.lastSamples = recorded;
          // Visible to the next rules through the evaluation's querier; stored after the group.
          result.recorded.push(...recorded);
        } else {
          const changes = r.rule.eval(samples, nowMs);
          if (linker) await this.addLinks(r.rule, changes, tenant, linker);
          if (changes.upserted.length > 0 || changes.removed.length > 0) result.changes.push({ key: r.key, changes });
        }
        r.health = { health: 'ok', lastError: '', lastEvaluationMs: nowMs, evaluationDurationMs: monotonic() - start };
      } catch (err) {
        r.health = {
          health: 'err',
          lastError: (err as Error)?.message ?? String(err),
          lastEvaluationMs: nowMs,
          evaluationDurationMs: monotonic() - start,
        };
      }
    }
    // One write per group evaluation rather than per rule: a store round trip costs more than its rows.
    if (result.recorded.length > 0) await record(result.recorded);
    this.lastEvaluationMs = nowMs;
    this.evaluationDurationMs = monotonic() - groupStart;
    return result;
  }

  /** Links to traces are added once, when an alert starts firing; a failed lookup leaves them out. */
  private async addLinks(
    rule: AlertingRule,
    changes: AlertChanges,
    tenant: string,
    linker: AlertLinker,
  ): Promise<void> {
    for (const a of changes.upserted) {
      if (a.state !== 'firing' || a.firedAtMs === 0 || a.annotations.traces) continue;
      try {
        Object.assign(a.annotations, await linker.links(a, rule, tenant));
      } catch {
        // The alert matters more than its link.
      }
    }
  }
}
