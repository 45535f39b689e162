import type { Labels } from '../labels';

/** Where a rule came from, for messages and the rules API. */
export interface Origin {
  file: string;
  line: number;
}

interface RuleBase {
  expr: string;
  labels: Labels;
  origin: Origin;
}

export interface AlertingRuleDef extends RuleBase {
  kind: 'alerting';
  alert: string;
  /** How long the expression must hold before the alert fires (ms). */
  forMs: number;
  /** How long a firing alert keeps firing after the expression stopped holding (ms). */
  keepFiringForMs: number;
  annotations: Labels;
}

export interface RecordingRuleDef extends RuleBase {
  kind: 'recording';
  record: string;
}

export type RuleDef = AlertingRuleDef | RecordingRuleDef;

export interface RuleGroupDef {
  name: string;
  file: string;
  /** Evaluation interval (ms); the configured default when the group names none. */
  intervalMs: number;
  /** Alerts or series per evaluation past which the whole evaluation fails (0 = no limit), as Prometheus's `limit`. */
  limit: number;
  rules: RuleDef[];
}

export const ruleName = (r: RuleDef): string => (r.kind === 'alerting' ? r.alert : r.record);
