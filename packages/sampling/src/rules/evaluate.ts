import { adjustedCount, encodeThreshold, isKeptAt, thresholdFor } from '../probability/probability';
import type { AttributeCondition, Condition, LatencyCondition, Rule } from './rules';

/** The fields of a span that rules look at (a subset of the stored SpanRecord). */
export interface SampledSpan {
  TraceId: string;
  ServiceName: string;
  SpanName: string;
  /** Nanoseconds, as a decimal string or number. */
  Duration: string | number;
  StatusCode: string;
  SpanAttributes: Record<string, string>;
  ResourceAttributes: Record<string, string>;
}

export interface Decision {
  decision: 'keep' | 'drop';
  rule: string;
  /** How many traces a kept trace stands for (0 when dropped). */
  adjustedCount: number;
  /** tracestate `th` written on kept spans. */
  th: string;
}

/**
 * The reference semantics of a rule list over a whole trace. The store compiles the same
 * rules to SQL; tests hold the two to the same answers.
 */
export function evaluate(rules: readonly Rule[], spans: readonly SampledSpan[]): Decision {
  const traceId = spans[0]?.TraceId ?? '';
  for (const rule of rules) {
    if (!rule.when.every((c) => spans.some((s) => spanMatches(c, s)))) continue;
    switch (rule.action.kind) {
      case 'keep':
        return { decision: 'keep', rule: rule.name, adjustedCount: 1, th: '0' };
      case 'drop':
        return { decision: 'drop', rule: rule.name, adjustedCount: 0, th: '' };
      case 'sample': {
        const t = thresholdFor(rule.action.percent);
        const kept = isKeptAt(traceId, t);
        return kept
          ? { decision: 'keep', rule: rule.name, adjustedCount: adjustedCount(t), th: encodeThreshold(t) }
          : { decision: 'drop', rule: rule.name, adjustedCount: 0, th: '' };
      }
    }
  }
  // samplingPolicy() always ends in a catch-all; a bare list without one keeps by default.
  return { decision: 'keep', rule: '', adjustedCount: 1, th: '0' };
}

export function spanMatches(c: Condition, s: SampledSpan): boolean {
  switch (c.kind) {
    case 'error':
      return s.StatusCode === 'Error';
    case 'latency':
      return Number(s.Duration) >= latencyThresholdNs(c, s.ServiceName, s.SpanName);
    case 'attribute':
      return attributeMatches(c, s);
  }
}

export function latencyThresholdNs(c: LatencyCondition, service: string, spanName: string): number {
  const ms = c.spanNames[spanName] ?? c.services[service] ?? c.thresholdMs;
  return ms * 1e6;
}

function attributeMatches(c: AttributeCondition, s: SampledSpan): boolean {
  let v: string | undefined;
  if (c.scope === 'intrinsic') v = c.key === 'name' ? s.SpanName : s.ServiceName;
  else v = (c.scope === 'span' ? s.SpanAttributes : s.ResourceAttributes)[c.key];
  if (v === undefined) return false;
  switch (c.op) {
    case 'exists':
      return true;
    case 'equals':
      return v === c.value;
    case 'notEquals':
      return v !== c.value;
    case 'matches':
      return new RegExp(c.pattern).test(v);
    default: {
      if (v.trim() === '') return false;
      const n = Number(v);
      if (Number.isNaN(n)) return false;
      return { gt: n > c.value, gte: n >= c.value, lt: n < c.value, lte: n <= c.value }[c.op];
    }
  }
}

/**
 * tracestate with `ot=th:<th>` set: the `ot` member moves to the front (W3C: a modified
 * member is first), its other sub-keys (rv, ...) are kept, other vendors' members too.
 */
export function withThreshold(traceState: string, th: string): string {
  const members = traceState
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  const ot = members.find((m) => m.startsWith('ot='));
  const rest = members.filter((m) => m !== ot);
  const sub = (ot ? ot.slice(3).split(';') : []).filter((kv) => kv !== '' && !kv.startsWith('th:'));
  return [`ot=${[`th:${th}`, ...sub].join(';')}`, ...rest].join(',');
}
