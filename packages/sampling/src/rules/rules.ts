/**
 * Sampling rules: an ordered list, the first rule whose conditions all match decides the
 * trace. Every condition is "some span of the trace ...", so a rule with two conditions
 * may be satisfied by two different spans.
 */

export type AttributeScope = 'span' | 'resource';

/** Any span has status ERROR. */
export interface ErrorCondition {
  kind: 'error';
}

/**
 * Any span lasts at least its threshold. The threshold is the first of: the span name's
 * override, the service's override, the rule's default.
 */
export interface LatencyCondition {
  kind: 'latency';
  thresholdMs: number;
  services: Record<string, number>;
  spanNames: Record<string, number>;
}

export type AttributeOp =
  | { op: 'exists' }
  | { op: 'equals'; value: string }
  | { op: 'notEquals'; value: string }
  | { op: 'matches'; pattern: string }
  | { op: 'gt' | 'gte' | 'lt' | 'lte'; value: number };

/**
 * Any span's attribute (or its resource's) satisfies the operator. The intrinsic fields
 * `name` (span name) and `service` (service.name) are addressed without a scope.
 */
export type AttributeCondition = { kind: 'attribute'; scope: AttributeScope | 'intrinsic'; key: string } & AttributeOp;

export type Condition = ErrorCondition | LatencyCondition | AttributeCondition;

export type Action = { kind: 'keep' } | { kind: 'drop' } | { kind: 'sample'; percent: number };

export interface Rule {
  name: string;
  /** All must match (AND); empty matches every trace. */
  when: Condition[];
  action: Action;
}

export interface SamplingPolicyOptions {
  latencyThresholdMs: number;
  baselinePercent: number;
  /** The user's rules, evaluated before the defaults. */
  rules?: Rule[];
}

/**
 * The user's rules followed by the defaults: any error -> keep, any span at or over the
 * latency threshold -> keep, everything else -> sample the baseline percent. A user rule
 * list that ends with a catch-all simply never reaches the defaults.
 */
export function samplingPolicy(o: SamplingPolicyOptions): Rule[] {
  return [
    ...(o.rules ?? []),
    { name: 'errors', when: [{ kind: 'error' }], action: { kind: 'keep' } },
    {
      name: 'latency',
      when: [{ kind: 'latency', thresholdMs: o.latencyThresholdMs, services: {}, spanNames: {} }],
      action: { kind: 'keep' },
    },
    { name: 'baseline', when: [], action: { kind: 'sample', percent: o.baselinePercent } },
  ];
}

/** Human description of a rule, used as the decision's reason. */
export function describeRule(rule: Rule): string {
  const action = rule.action.kind === 'sample' ? `sample ${rule.action.percent}%` : rule.action.kind;
  const when = rule.when.length === 0 ? 'every trace' : rule.when.map(describeCondition).join(' and ');
  return `${action}: ${when}`;
}

function describeCondition(c: Condition): string {
  switch (c.kind) {
    case 'error':
      return 'a span has status ERROR';
    case 'latency':
      return `a span lasts >= ${c.thresholdMs}ms${
        Object.keys(c.services).length + Object.keys(c.spanNames).length > 0 ? ' (with overrides)' : ''
      }`;
    case 'attribute': {
      const field = c.scope === 'intrinsic' ? c.key : `${c.scope}.${c.key}`;
      switch (c.op) {
        case 'exists':
          return `${field} exists`;
        case 'equals':
          return `${field} = ${JSON.stringify(c.value)}`;
        case 'notEquals':
          return `${field} != ${JSON.stringify(c.value)}`;
        case 'matches':
          return `${field} =~ /${c.pattern}/`;
        default:
          return `${field} ${{ gt: '>', gte: '>=', lt: '<', lte: '<=' }[c.op]} ${c.value}`;
      }
    }
  }
}

/**
 * Warnings for a rule list: a rule after a catch-all (no conditions) never matches, nor do
 * the defaults after a user catch-all.
 */
export function ruleWarnings(userRules: readonly Rule[]): string[] {
  const i = userRules.findIndex((r) => r.when.length === 0);
  if (i < 0) return [];
  const shadowed = [...userRules.slice(i + 1).map((r) => `"${r.name}"`), 'the defaults (errors, latency, baseline)'];
  return [`sampling.rules: rule "${userRules[i]!.name}" matches every trace, so ${shadowed.join(', ')} never apply`];
}
