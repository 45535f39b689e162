// Decides what looks like a secret and replaces it. Pure and allocation-free on the common path
// (no secret): it runs on every attribute of every span and log record before export.
import type { AttributeValue } from '@opentelemetry/api';
import type { AnyValue } from '@opentelemetry/api-logs';

export const REDACTED = '[REDACTED]';

export interface RedactionOptions {
  /** More attribute keys whose whole value is secret: a string matches as a case-insensitive substring. */
  keys?: ReadonlyArray<string | RegExp>;
  /** More patterns for secrets inside text; every match becomes [REDACTED]. */
  values?: readonly RegExp[];
}

/**
 * Words that make a key secret. Keys are split into words first, so `x-api-key`,
 * `db_password` and `accessToken` match but `gen_ai.usage.input_tokens` does not.
 */
const SECRET_KEY_WORDS = new Set([
  'authorization',
  'cookie',
  'cookies',
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'apikey',
  'jwt',
  'bearer',
  'credential',
  'credentials',
  'privatekey',
]);
const SECRET_KEY_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['api', 'key'],
  ['private', 'key'],
  ['access', 'token'],
];

interface ValuePattern {
  pattern: RegExp;
  replacement: string;
  /**
   * A cheap regex that every match of `pattern` contains (a literal prefix or keyword). The union of
   * the triggers is the pre-filter run on every value; the full patterns run only when it hits.
   */
  trigger: string;
}

const KEY_VALUE_WORDS = 'password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth';

const DEFAULT_VALUE_PATTERNS: readonly ValuePattern[] = [
  // PEM private keys, also when truncated by an attribute length limit (no END line).
  {
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
    replacement: REDACTED,
    trigger: '-----BEGIN ',
  },
  // JWTs: a base64url JSON header always starts with `eyJ` ('{"').
  { pattern: /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g, replacement: REDACTED, trigger: 'eyJ' },
  // AWS access key ids (long-term AKIA, temporary ASIA, and the rarer prefixes).
  { pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, replacement: REDACTED, trigger: 'A[KSB]IA|ACCA' },
  // Well-known token formats: GitHub, Slack, Stripe, Google API keys.
  {
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b/g,
    replacement: REDACTED,
    trigger: 'gh[pousr]_|github_pat_',
  },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replacement: REDACTED, trigger: 'xox[abposr]-' },
  { pattern: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}/g, replacement: REDACTED, trigger: '[sr]k_(?:live|test)_' },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g, replacement: REDACTED, trigger: 'AIza' },
  // `Bearer <token>` anywhere in text; the scheme stays so the message still reads.
  { pattern: /\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, replacement: `$1 ${REDACTED}`, trigger: 'bearer' },
  // Credentials in URLs: scheme://user:password@host.
  {
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi,
    replacement: `$1${REDACTED}@`,
    trigger: ':\\/\\/[^\\s/@]+@',
  },
  // key=value / key: value / "key":"value" in free text and query strings.
  {
    pattern: new RegExp(
      `\\b((?:[A-Za-z0-9]+[_-])*(?:${KEY_VALUE_WORDS})(?:[_-][A-Za-z0-9]+)*)(["']?\\s*[:=]\\s*["']?)([^\\s"'&,;]+)`,
      'gi',
    ),
    replacement: `$1$2${REDACTED}`,
    trigger: `(?:${KEY_VALUE_WORDS})[\\w-]*["']?\\s*[:=]`,
  },
];

/** Stop memoising key decisions past this many distinct keys, so hostile cardinality cannot grow memory. */
const KEY_CACHE_LIMIT = 10_000;
/**
 * Values known to be clean. Most attribute values repeat (methods, hosts, routes, user agents,
 * parameterised queries), so a hit skips the scan. Only short values are remembered, and the cache
 * starts over when full, so unbounded cardinality costs a bounded amount of memory.
 */
const CLEAN_CACHE_LIMIT = 4_096;
const CLEAN_CACHE_MAX_LENGTH = 512;

export class Redactor {
  private readonly extraKeys: ReadonlyArray<string | RegExp>;
  private readonly valuePatterns: readonly ValuePattern[];
  /** One pass over the text decides whether any pattern can match; most values contain no secret. */
  private readonly anyTrigger: RegExp;
  private readonly keyCache = new Map<string, boolean>();
  private readonly cleanValues = new Set<string>();

  constructor(options: RedactionOptions = {}) {
    this.extraKeys = (options.keys ?? []).map((key) => (typeof key === 'string' ? key.toLowerCase() : key));
    const extraValues = (options.values ?? []).map((pattern) => ({
      pattern: pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`),
      replacement: REDACTED,
      // A user pattern has no known literal part: the whole pattern is its own trigger.
      trigger: pattern.source,
    }));
    this.valuePatterns = [...DEFAULT_VALUE_PATTERNS, ...extraValues];
    // Only a pre-filter, so being case-insensitive can only cause extra (harmless) checks.
    this.anyTrigger = new RegExp(this.valuePatterns.map(({ trigger }) => `(?:${trigger})`).join('|'), 'i');
  }

  isSecretKey(key: string): boolean {
    const cached = this.keyCache.get(key);
    if (cached !== undefined) return cached;
    const secret = this.computeIsSecretKey(key);
    if (this.keyCache.size < KEY_CACHE_LIMIT) this.keyCache.set(key, secret);
    return secret;
  }

  /** The text with every secret-looking part replaced; the same string when nothing matched. */
  redactString(text: string): string {
    const cacheable = text.length <= CLEAN_CACHE_MAX_LENGTH;
    if (cacheable && this.cleanValues.has(text)) return text;
    if (!this.anyTrigger.test(text)) {
      if (cacheable) {
        if (this.cleanValues.size >= CLEAN_CACHE_LIMIT) this.cleanValues.clear();
        this.cleanValues.add(text);
      }
      return text;
    }
    let result = text;
    for (const { pattern, replacement } of this.valuePatterns) {
      pattern.lastIndex = 0;
      result = result.replace(pattern, replacement);
    }
    return result;
  }

  /** A span or log attribute value after redaction; the same reference when nothing changed. */
  redactAttribute(key: string, value: AttributeValue): AttributeValue {
    if (this.isSecretKey(key)) return REDACTED;
    if (typeof value === 'string') return this.redactString(value);
    if (Array.isArray(value)) {
      let changed = false;
      const redacted = value.map((item) => {
        if (typeof item !== 'string') return item;
        const next = this.redactString(item);
        if (next !== item) changed = true;
        return next;
      });
      return changed ? (redacted as AttributeValue) : value;
    }
    return value;
  }

  /** A log body or log attribute (any nesting of maps and arrays); the same reference when unchanged. */
  redactAnyValue(value: AnyValue, key?: string): AnyValue {
    if (key !== undefined && this.isSecretKey(key)) return REDACTED;
    if (typeof value === 'string') return this.redactString(value);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      let changed = false;
      const redacted = value.map((item) => {
        const next = this.redactAnyValue(item);
        if (next !== item) changed = true;
        return next;
      });
      return changed ? redacted : value;
    }
    // Only plain maps are walked: bytes, Errors and class instances are returned untouched.
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    let changed = false;
    const redacted: Record<string, AnyValue> = {};
    for (const [childKey, child] of Object.entries(value)) {
      const next = this.redactAnyValue(child as AnyValue, childKey);
      if (next !== child) changed = true;
      redacted[childKey] = next;
    }
    return changed ? redacted : value;
  }

  private computeIsSecretKey(key: string): boolean {
    const lower = key.toLowerCase();
    for (const extra of this.extraKeys) {
      if (typeof extra === 'string' ? lower.includes(extra) : extra.test(key)) return true;
    }
    const words = splitKeyWords(key);
    for (let i = 0; i < words.length; i++) {
      if (SECRET_KEY_WORDS.has(words[i])) return true;
      for (const [first, second] of SECRET_KEY_PAIRS) {
        if (words[i] === first && words[i + 1] === second) return true;
      }
    }
    return false;
  }
}

/** `http.request.header.x-api-key` -> [http, request, header, x, api, key]; `accessToken` -> [access, token]. */
export function splitKeyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}
