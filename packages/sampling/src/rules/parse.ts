import type { Action, AttributeCondition, Condition, Rule } from './rules';

/**
 * Reads sampling rules from configuration (a YAML list or the same as JSON), with errors
 * that name the rule and the field:
 *
 *   - name: drop-health
 *     when: { attribute: span.http.route, equals: /health }
 *     action: drop
 *   - name: org-x
 *     when: [{ attribute: resource.org.id, equals: x }]
 *     action: keep
 *   - when: [error]
 *     action: keep
 *   - when: { latency: 2s, services: { checkout: 5s }, spanNames: { "GET /export": 30s } }
 *     action: keep
 *   - action: sample 10
 */
export function parseRules(input: unknown, where = 'sampling.rules'): Rule[] {
  let value = input;
  if (typeof value === 'string') {
    if (value.trim() === '') return [];
    try {
      value = JSON.parse(value);
    } catch (err) {
      throw new Error(`${where}: not valid JSON (${(err as Error).message})`);
    }
  }
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list of rules`);
  const names = new Set<string>();
  return value.map((raw, i) => {
    const rule = parseRule(raw, `${where}[${i}]`, i);
    if (names.has(rule.name)) throw new Error(`${where}[${i}]: duplicate rule name "${rule.name}"`);
    names.add(rule.name);
    return rule;
  });
}

const RULE_FIELDS = new Set(['name', 'when', 'action']);

function parseRule(raw: unknown, where: string, index: number): Rule {
  if (!isObject(raw)) throw new Error(`${where}: expected an object with "action" (and "name", "when")`);
  for (const k of Object.keys(raw)) {
    if (!RULE_FIELDS.has(k)) throw new Error(`${where}: unknown field "${k}" (expected name, when, action)`);
  }
  const name = raw.name === undefined ? `rule-${index + 1}` : raw.name;
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.:-]{1,64}$/.test(name)) {
    throw new Error(`${where}.name: expected 1-64 characters of A-Z a-z 0-9 _ . : -`);
  }
  const whenRaw = raw.when === undefined ? [] : Array.isArray(raw.when) ? raw.when : [raw.when];
  const when = whenRaw.map((c, j) => parseCondition(c, `${where}.when[${j}]`));
  return { name, when, action: parseAction(raw.action, `${where}.action`) };
}

function parseAction(raw: unknown, where: string): Action {
  if (raw === 'keep' || raw === 'drop') return { kind: raw };
  const m = typeof raw === 'string' ? /^sample\s+(\d+(?:\.\d+)?)\s*%?$/.exec(raw.trim()) : null;
  if (m) {
    const percent = Number(m[1]);
    if (percent > 100) throw new Error(`${where}: sample percent must be 0..100, got ${percent}`);
    return { kind: 'sample', percent };
  }
  throw new Error(`${where}: expected "keep", "drop" or "sample <percent>", got ${JSON.stringify(raw)}`);
}

const COMPARISONS = ['gt', 'gte', 'lt', 'lte'] as const;
const OPERATORS = ['exists', 'equals', 'notEquals', 'matches', ...COMPARISONS];

function parseCondition(raw: unknown, where: string): Condition {
  if (raw === 'error' || (isObject(raw) && raw.error === true && Object.keys(raw).length === 1)) {
    return { kind: 'error' };
  }
  if (!isObject(raw)) {
    throw new Error(`${where}: expected "error", { latency: ... } or { attribute: ..., <operator>: ... }`);
  }
  if ('latency' in raw) return parseLatency(raw, where);
  if ('attribute' in raw) return parseAttribute(raw, where);
  throw new Error(`${where}: expected "error", { latency: ... } or { attribute: ..., <operator>: ... }`);
}

function parseLatency(raw: Record<string, unknown>, where: string): Condition {
  for (const k of Object.keys(raw)) {
    if (!['latency', 'services', 'spanNames'].includes(k)) {
      throw new Error(`${where}: unknown field "${k}" (expected latency, services, spanNames)`);
    }
  }
  const overrides = (field: 'services' | 'spanNames'): Record<string, number> => {
    const v = raw[field];
    if (v === undefined) return {};
    if (!isObject(v)) throw new Error(`${where}.${field}: expected a map of name -> duration`);
    return Object.fromEntries(Object.entries(v).map(([k, d]) => [k, durationMs(d, `${where}.${field}.${k}`)]));
  };
  return {
    kind: 'latency',
    thresholdMs: durationMs(raw.latency, `${where}.latency`),
    services: overrides('services'),
    spanNames: overrides('spanNames'),
  };
}

function parseAttribute(raw: Record<string, unknown>, where: string): AttributeCondition {
  const field = raw.attribute;
  if (typeof field !== 'string' || field === '') throw new Error(`${where}.attribute: expected a field name`);
  let scope: AttributeCondition['scope'];
  let key: string;
  if (field === 'name' || field === 'service') {
    scope = 'intrinsic';
    key = field;
  } else {
    const m = /^(span|resource)\.(.+)$/.exec(field);
    if (!m) {
      throw new Error(`${where}.attribute: "${field}" must be span.<key>, resource.<key>, name or service`);
    }
    scope = m[1] as 'span' | 'resource';
    key = m[2]!;
  }
  const ops = Object.keys(raw).filter((k) => k !== 'attribute');
  const unknown = ops.find((k) => !OPERATORS.includes(k));
  if (unknown) throw new Error(`${where}: unknown operator "${unknown}" (expected one of ${OPERATORS.join(', ')})`);
  if (ops.length !== 1) throw new Error(`${where}: expected exactly one operator (${OPERATORS.join(', ')})`);
  const op = ops[0]!;
  const v = raw[op];
  const base = { kind: 'attribute' as const, scope, key };
  switch (op) {
    case 'exists':
      if (v !== true) throw new Error(`${where}.exists: expected true`);
      return { ...base, op: 'exists' };
    case 'equals':
    case 'notEquals':
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw new Error(`${where}.${op}: expected a string, number or boolean`);
      }
      // Attributes are stored as strings (an int as its decimal, a bool as true/false).
      return { ...base, op, value: String(v) };
    case 'matches': {
      if (typeof v !== 'string') throw new Error(`${where}.matches: expected a regular expression string`);
      try {
        new RegExp(v);
      } catch (err) {
        throw new Error(`${where}.matches: invalid regular expression (${(err as Error).message})`);
      }
      return { ...base, op: 'matches', pattern: v };
    }
    default: {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`${where}.${op}: expected a number`);
      return { ...base, op: op as (typeof COMPARISONS)[number], value: n };
    }
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration as milliseconds: a number (ms) or "250ms", "1.5s", "2m". */
export function durationMs(raw: unknown, where: string): number {
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return raw;
  const m = typeof raw === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(raw) : null;
  if (!m) throw new Error(`${where}: expected a duration like 500ms, 2s or 1m, got ${JSON.stringify(raw)}`);
  return Number(m[1]) * UNITS[m[2] ?? 'ms']!;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
