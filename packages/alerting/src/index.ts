// Public surface of @tracehouse/alerting: rule files, alert state, templating, SLO rules. Pure:
// queries come in through an InstantQuerier, time as numbers, storage and HTTP live elsewhere.
export { formatPromDuration, parsePromDuration } from './duration';
export {
  type AlertLinker,
  type GroupResult,
  type GroupRule,
  RecordingRule,
  RuleGroup,
  type RuleHealth,
} from './evaluate/group';
export { fingerprint, type Labels, labelsKey } from './labels';
export { generatorUrl, type PostableAlert, postableAlert, webhookPayload } from './notify/payload';
export type { ExpressionChecker, InstantQuerier, RecordedSample, Sample } from './querier';
export type { AlertingRuleDef, Origin, RecordingRuleDef, RuleDef, RuleGroupDef } from './rules/model';
export { ruleName } from './rules/model';
export { type ParseOptions, parseRuleFile, RuleFileError } from './rules/parse';
export { parseSlos, type SloParseOptions } from './slo/config';
export { filterMatchers, type Matcher, type SpanMetricDimension } from './slo/filter';
export type { SloDef } from './slo/model';
export {
  BURN_RATE_ALERTS,
  errorRatioExpr,
  errorRatioMetric,
  ruleFileYaml,
  SLO_ALERT_NAME,
  type SloRuleOptions,
  sloRuleGroup,
  sloWindows,
} from './slo/rules';
export { type SloStatus, sloStatus } from './slo/status';
export {
  type Alert,
  type AlertState,
  needsSending,
  RESEND_DELAY_MS,
  RESOLVED_RETENTION_MS,
  takeAlertsToSend,
} from './state/alert';
export { type AlertChanges, AlertingRule, type TemplateContext } from './state/alertingRule';
export { checkTemplate, expandTemplate, type TemplateData } from './template/template';
