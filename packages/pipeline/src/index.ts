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
  adjustedCount,
  decodeThreshold,
  encodeThreshold,
  isKeptAt,
  MAX_THRESHOLD,
  randomnessOf,
  thresholdFor,
} from './sampling/probability';
