// Public surface of @tracehouse/pipeline: pure logic shared by the server and the store.
// Each area (sampling, redaction, span metrics, service graph) exports from its own folder.

export {
  BUILTIN_RULES as REDACTION_RULES,
  luhnValid,
  type RedactionConfig,
  type RedactionCounts,
  Redactor,
} from './redaction/index';
export {
  type Decision,
  evaluate,
  latencyThresholdNs,
  type SampledSpan,
  spanMatches,
  withThreshold,
} from './sampling/evaluate';
export { durationMs, parseRules } from './sampling/parse';
export {
  adjustedCount,
  decodeThreshold,
  encodeThreshold,
  isKeptAt,
  MAX_THRESHOLD,
  randomnessOf,
  thresholdFor,
} from './sampling/probability';
export {
  type Action,
  type AttributeCondition,
  type AttributeScope,
  type Condition,
  describeRule,
  type ErrorCondition,
  type LatencyCondition,
  type Rule,
  type SamplingPolicyOptions,
  samplingPolicy,
} from './sampling/rules';
