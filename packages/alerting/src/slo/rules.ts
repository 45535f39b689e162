import { stringify } from 'yaml';
import { formatPromDuration } from '../duration';
import type { AlertingRuleDef, RecordingRuleDef, RuleGroupDef } from '../rules/model';
import { filterMatchers, type Matcher, type SpanMetricDimension } from './filter';
import { type SloDef, sliKind } from './model';

/**
 * Multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs", table 5-8):
 * a burn rate over a long window confirmed by a short one (1/12 of it) so the alert also
 * resets quickly once the errors stop.
 */
export const BURN_RATE_ALERTS = [
  { severity: 'page', factor: 14.4, long: '1h', short: '5m' },
  { severity: 'page', factor: 6, long: '6h', short: '30m' },
  { severity: 'ticket', factor: 3, long: '1d', short: '2h' },
  { severity: 'ticket', factor: 1, long: '3d', short: '6h' },
] as const;

/** The windows whose error ratio is recorded for every SLO (the alerts' windows). */
export const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

export const SLO_ALERT_NAME = 'SLOErrorBudgetBurn';
export const ERROR_RATIO_METRIC = 'slo:sli_error:ratio_rate';

/** The recorded error ratio of a window: `slo:sli_error:ratio_rate5m`. */
export const errorRatioMetric = (window: string): string => `${ERROR_RATIO_METRIC}${window}`;

/** A number as a rule file writes it: 14.4 * 0.001 is 0.0144, not 0.014400000000000001. */
export const promNumber = (n: number): string => String(Number(n.toPrecision(12)));

export interface SloRuleOptions {
  dimensions: readonly SpanMetricDimension[];
  /** Evaluation interval of the generated groups (ms). */
  intervalMs: number;
  /** Where the generated rules say they come from. */
  file: string;
}

/** Entry spans of a service by default: what its callers experience. */
const ENTRY_KINDS: Matcher = { name: 'span_kind', op: '=~', value: 'SPAN_KIND_SERVER|SPAN_KIND_CONSUMER' };

function selector(slo: SloDef, options: SloRuleOptions): Matcher[] {
  const matchers: Matcher[] = [{ name: 'service', op: '=', value: slo.service }];
  if (slo.spanName !== undefined) matchers.push({ name: 'span_name', op: '=', value: slo.spanName });
  const filter = slo.filter === undefined ? [] : filterMatchers(slo.filter, options.dimensions);
  if (!filter.some((m) => m.name === 'span_kind')) matchers.push(ENTRY_KINDS);
  // A filter on the service narrows the SLO's own service matcher rather than replacing it.
  matchers.push(...filter);
  return matchers;
}

const quote = (s: string) => JSON.stringify(s);
const matcherText = (ms: readonly Matcher[]) => ms.map((m) => `${m.name}${m.op}${quote(m.value)}`).join(',');

/** The latency threshold as the `le` label of the span-metrics histogram prints it (seconds). */
const leValue = (ms: number) => String(ms / 1000);

/** The SLI's error ratio over a window: bad events / all events, from 100% of spans. */
export function errorRatioExpr(slo: SloDef, window: string, options: SloRuleOptions): string {
  const sel = matcherText(selector(slo, options));
  if (sliKind(slo) === 'availability')
    return `sum(rate(traces_spanmetrics_calls_total{${sel},status_code="STATUS_CODE_ERROR"}[${window}])) / sum(rate(traces_spanmetrics_calls_total{${sel}}[${window}]))`;
  return `1 - (sum(rate(traces_spanmetrics_latency_bucket{${sel},le="${leValue(slo.latencyThresholdMs!)}"}[${window}])) / sum(rate(traces_spanmetrics_latency_count{${sel}}[${window}])))`;
}

/** The windows recorded for one SLO: the alerts' windows and the SLO's own. */
export function sloWindows(slo: SloDef): string[] {
  const own = formatPromDuration(slo.windowMs);
  return SLI_WINDOWS.includes(own as (typeof SLI_WINDOWS)[number]) ? [...SLI_WINDOWS] : [...SLI_WINDOWS, own];
}

/**
 * The rule group of one SLO: a recording rule per window (labels slo, service) and two
 * alerting rules, `page` (14.4x over 1h and 5m, or 6x over 6h and 30m) and `ticket` (3x over
 * 1d and 2h, or 1x over 3d and 6h).
 */
export function sloRuleGroup(slo: SloDef, options: SloRuleOptions): RuleGroupDef {
  const origin = { file: options.file, line: 0 };
  const labels = { slo: slo.name, service: slo.service };
  // Longest window first: the shorter windows' reads are then answered from its read of the same series.
  const recording: RecordingRuleDef[] = [...sloWindows(slo)].reverse().map((w) => ({
    kind: 'recording',
    record: errorRatioMetric(w),
    expr: errorRatioExpr(slo, w, options),
    labels: { ...labels },
    origin,
  }));
  const budget = 1 - slo.objective / 100;
  const ratio = (w: string) => `${errorRatioMetric(w)}{slo=${quote(slo.name)}}`;
  const alerting: AlertingRuleDef[] = (['page', 'ticket'] as const).map((severity) => {
    const conditions = BURN_RATE_ALERTS.filter((a) => a.severity === severity).map((a) => {
      const threshold = promNumber(a.factor * budget);
      return `(${ratio(a.long)} > ${threshold} and ${ratio(a.short)} > ${threshold})`;
    });
    const windows = BURN_RATE_ALERTS.filter((a) => a.severity === severity)
      .map((a) => `${a.factor}x over ${a.long} and ${a.short}`)
      .join(', or ');
    return {
      kind: 'alerting',
      alert: SLO_ALERT_NAME,
      expr: conditions.join(' or '),
      forMs: 0,
      keepFiringForMs: 0,
      labels: { ...labels, severity },
      annotations: {
        summary: `${slo.name}: error budget burning fast (${severity})`,
        description: `SLO ${slo.name} (${slo.service}, objective ${slo.objective}% over ${formatPromDuration(slo.windowMs)}): error ratio {{ $value | humanizePercentage }} is above the ${severity} burn rate (${windows}).`,
      },
      origin,
    };
  });
  return {
    name: `slo:${slo.name}`,
    file: options.file,
    intervalMs: options.intervalMs,
    limit: 0,
    rules: [...recording, ...alerting],
  };
}

/** Prometheus rule-file YAML for rule groups (`tracehouse slo rules`). */
export function ruleFileYaml(groups: readonly RuleGroupDef[]): string {
  const doc = {
    groups: groups.map((g) => ({
      name: g.name,
      interval: formatPromDuration(g.intervalMs),
      rules: g.rules.map((r) =>
        r.kind === 'recording'
          ? { record: r.record, expr: r.expr, labels: r.labels }
          : {
              alert: r.alert,
              expr: r.expr,
              ...(r.forMs ? { for: formatPromDuration(r.forMs) } : {}),
              ...(r.keepFiringForMs ? { keep_firing_for: formatPromDuration(r.keepFiringForMs) } : {}),
              labels: r.labels,
              annotations: r.annotations,
            },
      ),
    })),
  };
  return stringify(doc, { lineWidth: 0 });
}
