import type { QueryParams } from '@tracehouse/store';
import { adjustedCount, encodeThreshold, thresholdFor } from '../probability/probability';
import { keptAtSql } from '../probability/sql';
import { type Condition, describeRule, type Rule, type SamplingPolicyOptions, samplingPolicy } from './rules';

/**
 * A rule list compiled to SQL over one trace's spans (GROUP BY TraceId):
 * - `aggregates`: one `countIf(<span predicate>) > 0` per condition
 * - `ruleIndex`: the index of the first matching rule (`rules.length` when none matches)
 * - `decision`, `adjustedCount`, `threshold`, `rule`, `reason`: expressions of `RuleIndex`
 * Every value that comes from the user (names, attribute keys and values, patterns) is a
 * query parameter; only numbers the parser validated and thresholds are literals.
 */
export interface CompiledRules {
  aggregates: string[];
  ruleIndex: string;
  decision: string;
  adjustedCount: string;
  threshold: string;
  rule: string;
  reason: string;
  params: QueryParams;
}

/** Binds values as query parameters named `<prefix>0`, `<prefix>1`, ... into `params`. */
function binder(prefix: string): { params: QueryParams; param: Param } {
  const params: QueryParams = {};
  let n = 0;
  const param = (value: unknown, type: string): string => {
    const name = `${prefix}${n++}`;
    params[name] = value;
    return `{${name}:${type}}`;
  };
  return { params, param };
}

export function compileRules(rules: readonly Rule[], traceIdColumn = 'TraceId'): CompiledRules {
  const { params, param } = binder('r');

  const aggregates: string[] = [];
  const matches = rules.map((rule) => {
    const parts = rule.when.map((c) => {
      const alias = `cond_${aggregates.length}`;
      aggregates.push(`countIf(${predicate(c, param)}) > 0 AS ${alias}`);
      return alias;
    });
    return parts.length === 0 ? '1' : parts.join(' AND ');
  });
  const ruleIndex =
    rules.length === 0 ? '0' : `multiIf(${matches.map((m, i) => `${m}, ${i}`).join(', ')}, ${rules.length})`;

  const decisions: string[] = [];
  const counts: string[] = [];
  const thresholds: string[] = [];
  rules.forEach((rule, i) => {
    const a = rule.action;
    if (a.kind === 'keep') {
      decisions.push(`RuleIndex = ${i}, 'keep'`);
      counts.push(`RuleIndex = ${i}, 1`);
      thresholds.push(`RuleIndex = ${i}, '0'`);
    } else if (a.kind === 'drop') {
      decisions.push(`RuleIndex = ${i}, 'drop'`);
      counts.push(`RuleIndex = ${i}, 0`);
      thresholds.push(`RuleIndex = ${i}, ''`);
    } else {
      const t = thresholdFor(a.percent);
      const kept = keptAtSql(t, traceIdColumn);
      decisions.push(`RuleIndex = ${i}, if(${kept}, 'keep', 'drop')`);
      counts.push(`RuleIndex = ${i}, if(${kept}, toFloat64(${param(adjustedCount(t), 'Float64')}), 0)`);
      thresholds.push(`RuleIndex = ${i}, if(${kept}, ${param(encodeThreshold(t), 'String')}, '')`);
    }
  });
  const pick = (arms: string[], otherwise: string) =>
    arms.length === 0 ? otherwise : `multiIf(${arms.join(', ')}, ${otherwise})`;
  const names = param([...rules.map((r) => r.name), 'none'], 'Array(String)');
  const reasons = param([...rules.map(describeRule), 'keep: no rule matched'], 'Array(String)');
  return {
    aggregates,
    ruleIndex,
    decision: pick(decisions, `'keep'`),
    adjustedCount: pick(counts, 'toFloat64(1)'),
    threshold: pick(thresholds, `'0'`),
    rule: `arrayElement(${names}, RuleIndex + 1)`,
    reason: `arrayElement(${reasons}, RuleIndex + 1)`,
    params,
  };
}

/**
 * Would this span's trace be kept? Asked per span before the decision (exemplars are picked
 * while the trace is still open): true for a span that alone satisfies a `keep` rule of the
 * policy's defaults (any error, a span at or over the latency threshold) or whose trace id the
 * baseline probability keeps. The user's rules need the whole trace, so they are not
 * predicted; `droppedTraces` tells afterwards which traces a decision dropped.
 */
export function keptSpanSql(
  o: Pick<SamplingPolicyOptions, 'latencyThresholdMs' | 'baselinePercent'>,
  traceIdColumn = 'TraceId',
): { sql: string; params: QueryParams } {
  const { params, param } = binder('keep');
  const arms = samplingPolicy({ ...o, rules: [] }).flatMap((rule) => {
    const a = rule.action;
    if (a.kind === 'drop') return [];
    const when = rule.when.map((c) => predicate(c, param));
    if (a.kind === 'sample') when.push(keptAtSql(thresholdFor(a.percent), traceIdColumn));
    return [when.length === 0 ? '1' : when.join(' AND ')];
  });
  return { sql: `(${arms.map((a) => `(${a})`).join(' OR ')})`, params };
}

type Param = (value: unknown, type: string) => string;

/** SQL that is true for one span satisfying the condition. */
function predicate(c: Condition, param: Param): string {
  switch (c.kind) {
    case 'error':
      return `StatusCode = 'Error'`;
    case 'latency': {
      const arms = [
        ...Object.keys(c.spanNames).map(
          (name) => `SpanName = ${param(name, 'String')}, ${param(Math.round(c.spanNames[name]! * 1e6), 'Int64')}`,
        ),
        ...Object.keys(c.services).map(
          (svc) => `ServiceName = ${param(svc, 'String')}, ${param(Math.round(c.services[svc]! * 1e6), 'Int64')}`,
        ),
      ];
      const fallback = param(Math.round(c.thresholdMs * 1e6), 'Int64');
      return `Duration >= ${arms.length === 0 ? fallback : `multiIf(${arms.join(', ')}, ${fallback})`}`;
    }
    case 'attribute': {
      if (c.scope === 'intrinsic') {
        const col = c.key === 'name' ? 'SpanName' : 'ServiceName';
        return valuePredicate(c, col, '1', param);
      }
      const map = c.scope === 'span' ? 'SpanAttributes' : 'ResourceAttributes';
      const key = param(c.key, 'String');
      return valuePredicate(c, `${map}[${key}]`, `mapContains(${map}, ${key})`, param);
    }
  }
}

function valuePredicate(
  c: Extract<Condition, { kind: 'attribute' }>,
  value: string,
  exists: string,
  param: Param,
): string {
  switch (c.op) {
    case 'exists':
      return exists;
    case 'equals':
      return `(${exists} AND ${value} = ${param(c.value, 'String')})`;
    case 'notEquals':
      return `(${exists} AND ${value} != ${param(c.value, 'String')})`;
    case 'matches':
      return `(${exists} AND match(${value}, ${param(c.pattern, 'String')}))`;
    default: {
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[c.op];
      return `(${exists} AND ifNull(toFloat64OrNull(${value}) ${op} ${param(c.value, 'Float64')}, 0))`;
    }
  }
}
