// Public surface of @tracehouse/sampling: store-first tail sampling.
// "Why was trace X kept?": rules/ (what a rule means, its SQL), engine/sampler.ts (when and
// how a decision is made), decisions/ (what was recorded), probability/ (th, adjusted counts).

export { droppedTraces, type TraceDecision, traceDecision } from './decisions/decisions';
export { type DecisionOutcome, decidedTraces, oldestDecisionMs } from './decisions/window';
export { type DecidedTrace, type SamplerOptions, type SamplingTick, TraceSampler } from './engine/sampler';
export { type KeptSpan, keptSpansBetween } from './forward/keptSpans';
export {
  adjustedCount,
  decodeThreshold,
  encodeThreshold,
  isKeptAt,
  MAX_THRESHOLD,
  randomnessOf,
  thresholdFor,
} from './probability/probability';
export { keptAtSql, traceRandomnessSql } from './probability/sql';
export { type CompiledRules, compileRules, keptSpanSql } from './rules/compile';
export {
  type Decision,
  evaluate,
  latencyThresholdNs,
  type SampledSpan,
  spanMatches,
  withThreshold,
} from './rules/evaluate';
export { durationMs, parseRules } from './rules/parse';
export {
  type Action,
  type AttributeCondition,
  type AttributeScope,
  type Condition,
  describeRule,
  type ErrorCondition,
  type LatencyCondition,
  type Rule,
  ruleWarnings,
  type SamplingPolicyOptions,
  samplingPolicy,
} from './rules/rules';
