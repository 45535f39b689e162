import { fingerprint, type Labels, METRIC_NAME, sortedLabels } from '../labels';
import type { Sample } from '../querier';
import type { AlertingRuleDef } from '../rules/model';
import { expandTemplate } from '../template/template';
import { type Alert, RESOLVED_RETENTION_MS } from './alert';

export interface TemplateContext {
  externalUrl: string;
  externalLabels: Labels;
}

/** What one evaluation changed, for the state store: alerts to write and alerts gone. */
export interface AlertChanges {
  upserted: Alert[];
  removed: string[];
}

/**
 * The state machine of one alerting rule, with Prometheus's semantics (rules/alerting.go):
 * a label set returned by the expression is `pending`, then `firing` once it has been returned
 * for `for`; when it is no longer returned it is resolved (`inactive` + resolvedAt), unless
 * `keep_firing_for` holds it; resolved alerts stay 15 minutes so the resolution is delivered.
 */
export class AlertingRule {
  readonly active = new Map<string, Alert>();

  constructor(
    readonly def: AlertingRuleDef,
    private readonly context: TemplateContext,
  ) {}

  /** Alerts from the state store after a restart: the `for` clock and firing state carry on. */
  restore(alerts: readonly Alert[]): void {
    for (const a of alerts) this.active.set(a.fingerprint, { ...a, lastSentAtMs: 0, validUntilMs: 0 });
  }

  /** Applies one evaluation's result at `nowMs`. */
  eval(samples: readonly Sample[], nowMs: number): AlertChanges {
    const upserted = new Map<string, Alert>();
    const removed: string[] = [];
    const seen = new Set<string>();
    for (const s of samples) {
      const labels = this.alertLabels(s);
      const fp = fingerprint(labels);
      if (seen.has(fp)) throw new Error(`vector contains metrics with the same labelset after applying alert labels`);
      seen.add(fp);
      const annotations = this.expand(this.def.annotations, s);
      const existing = this.active.get(fp);
      if (existing && existing.state !== 'inactive') {
        existing.value = s.value;
        existing.annotations = { ...existing.annotations, ...annotations };
        continue;
      }
      const alert: Alert = {
        fingerprint: fp,
        labels,
        annotations,
        state: 'pending',
        value: s.value,
        activeAtMs: nowMs,
        firedAtMs: 0,
        resolvedAtMs: 0,
        lastSentAtMs: 0,
        validUntilMs: 0,
        keepFiringSinceMs: 0,
      };
      this.active.set(fp, alert);
      upserted.set(fp, alert);
    }

    for (const [fp, a] of this.active) {
      if (!seen.has(fp)) {
        let keepFiring = false;
        if (a.state === 'firing' && this.def.keepFiringForMs > 0) {
          if (a.keepFiringSinceMs === 0) {
            a.keepFiringSinceMs = nowMs;
            upserted.set(fp, a);
          }
          keepFiring = nowMs - a.keepFiringSinceMs < this.def.keepFiringForMs;
        }
        if (a.state === 'pending' || (a.resolvedAtMs !== 0 && nowMs - a.resolvedAtMs > RESOLVED_RETENTION_MS)) {
          this.active.delete(fp);
          upserted.delete(fp);
          removed.push(fp);
        }
        if (a.state !== 'inactive' && !keepFiring) {
          a.state = 'inactive';
          a.resolvedAtMs = nowMs;
          if (this.active.has(fp)) upserted.set(fp, a);
        }
        if (!keepFiring) continue;
      } else if (a.keepFiringSinceMs !== 0) {
        a.keepFiringSinceMs = 0;
        upserted.set(fp, a);
      }
      if (a.state === 'pending' && nowMs - a.activeAtMs >= this.def.forMs) {
        a.state = 'firing';
        a.firedAtMs = nowMs;
        upserted.set(fp, a);
      }
    }
    return { upserted: [...upserted.values()], removed };
  }

  /** The sample's labels without the metric name, the rule's labels (templated) and alertname. */
  private alertLabels(s: Sample): Labels {
    const labels: Labels = { ...s.labels };
    delete labels[METRIC_NAME];
    const extra = this.expand(this.def.labels, s);
    for (const [k, v] of Object.entries(extra)) {
      // An empty label value removes the label, as in Prometheus.
      if (v === '') delete labels[k];
      else labels[k] = v;
    }
    labels.alertname = this.def.alert;
    return sortedLabels(labels);
  }

  private expand(templates: Labels, s: Sample): Labels {
    const out: Labels = {};
    const data = {
      labels: s.labels,
      value: s.value,
      externalUrl: this.context.externalUrl,
      externalLabels: this.context.externalLabels,
    };
    for (const [k, v] of Object.entries(templates)) out[k] = expandTemplate(v, data);
    return out;
  }
}
