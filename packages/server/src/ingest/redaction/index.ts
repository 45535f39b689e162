export { luhnValid } from './luhn';
export { type RedactionConfig, type RedactionCounts, Redactor } from './redactor';
export { BUILTIN_RULES } from './rules';
