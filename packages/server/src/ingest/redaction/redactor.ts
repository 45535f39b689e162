import type { AttributeTypes, AttributeValues, LogRecord, MetricBatch, SpanRecord } from '@tracehouse/otlp';
import { BUILTIN_RULES, KEY_RULE, SENSITIVE_KEY, VALUE_RULES, type ValueRule } from './rules';

export interface RedactionConfig {
  /** Built-in rule names to turn off (see BUILTIN_RULES). */
  disabledRules?: string[];
  /** Extra regex (case-insensitive): attributes whose key matches are redacted whole. */
  keyPattern?: string;
  /** Extra regex (case-insensitive): matching parts of string values are redacted. */
  valuePattern?: string;
  replacement?: string;
}

/** How many values each rule redacted (a value counts once per rule that changed it). */
export type RedactionCounts = Record<string, number>;

/** See Redactor.attributes. */
const OWN = true;

/** No rule can match a value shorter than this ('pwd=abc' is the shortest). */
const MIN_LENGTH = 7;

/** Attribute keys remembered (see rememberKey); past it, forgotten and learnt again. */
const MAX_KEYS = 4_096;
/** Longer keys are checked every time: the memory held stays ~1 MB whatever clients send. */
const MAX_KEY_LENGTH = 256;

interface Pass {
  counts: RedactionCounts;
  /** Attribute maps shared by many records (one resource, one scope) are done once. */
  seen: Set<object>;
  /** Strings repeated on every record of a resource or scope (names, versions, URLs), done once. */
  texts?: Map<string, string>;
}

/**
 * Finds secrets in decoded telemetry and replaces them in place, before anything is
 * written. Pure apart from mutating the records it is given (which the caller owns: the
 * decoder's fresh output). Covers resource, scope, span, event, link, log and metric
 * point attributes, span names, event names, span status messages and log bodies,
 * including values nested in array and kvlist attributes.
 */
export class Redactor {
  readonly replacement: string;
  readonly rules: readonly string[];
  private readonly keyRegex: RegExp | null;
  private readonly valueRules: ValueRule[];
  private readonly trigger: RegExp | null;
  /** See rememberKey. */
  private readonly keys = new Map<string, boolean>();

  constructor(config: RedactionConfig = {}) {
    this.replacement = config.replacement ?? '[REDACTED]';
    const disabled = new Set(config.disabledRules ?? []);
    for (const name of disabled)
      if (!BUILTIN_RULES.includes(name))
        throw new Error(`redaction: unknown rule "${name}" (known: ${BUILTIN_RULES.join(', ')})`);
    const keySources = [
      ...(disabled.has(KEY_RULE) ? [] : [SENSITIVE_KEY.source]),
      ...(config.keyPattern ? [checked(config.keyPattern, 'keyPattern')] : []),
    ];
    this.keyRegex = keySources.length ? new RegExp(keySources.map((s) => `(?:${s})`).join('|'), 'i') : null;
    this.valueRules = VALUE_RULES.filter((r) => !disabled.has(r.name));
    if (config.valuePattern) {
      const source = checked(config.valuePattern, 'valuePattern');
      this.valueRules.push({ name: 'custom', trigger: source, regex: new RegExp(source, 'gi') });
    }
    this.trigger = this.valueRules.length
      ? new RegExp(this.valueRules.map((r) => `(?:${r.trigger})`).join('|'), 'i')
      : null;
    this.rules = [...(this.keyRegex ? [KEY_RULE] : []), ...this.valueRules.map((r) => r.name)];
  }

  redactSpans(spans: SpanRecord[]): RedactionCounts {
    const pass: Pass = { counts: {}, seen: new Set() };
    for (const s of spans) {
      this.resourceScope(s, pass);
      this.attributes(s.SpanAttributes, s.SpanAttributeTypes, pass, OWN);
      if (s.StatusMessage.length >= MIN_LENGTH) s.StatusMessage = this.text(s.StatusMessage, pass);
      // Names sometimes carry a URL with its query string ("GET /reset?token=...").
      if (s.SpanName.length >= MIN_LENGTH) s.SpanName = this.text(s.SpanName, pass);
      s.TraceState = this.short(s.TraceState, pass);
      s['Links.TraceState'] = s['Links.TraceState'].map((t) => this.short(t, pass));
      const events = s['Events.Attributes'];
      for (let i = 0; i < events.length; i++) {
        this.attributes(events[i]!, s['Events.AttributeTypes'][i]!, pass, OWN);
        const name = s['Events.Name'][i]!;
        if (name.length >= MIN_LENGTH) s['Events.Name'][i] = this.text(name, pass);
      }
      const links = s['Links.Attributes'];
      for (let i = 0; i < links.length; i++) this.attributes(links[i]!, s['Links.AttributeTypes'][i]!, pass, OWN);
    }
    return pass.counts;
  }

  redactLogs(logs: LogRecord[]): RedactionCounts {
    const pass: Pass = { counts: {}, seen: new Set() };
    for (const l of logs) {
      this.resourceScope(l, pass);
      this.attributes(l.LogAttributes, l.LogAttributeTypes, pass, OWN);
      l.SeverityText = this.repeated(l.SeverityText, pass);
      l.EventName = this.repeated(l.EventName, pass);
      if (l.Body.length >= MIN_LENGTH) {
        if (l.BodyType === '') l.Body = this.text(l.Body, pass);
        else if (l.BodyType === 'kvlist' || l.BodyType === 'array') l.Body = this.structured(l.Body, pass);
      }
    }
    return pass.counts;
  }

  redactMetrics(batch: MetricBatch): RedactionCounts {
    const pass: Pass = { counts: {}, seen: new Set() };
    for (const points of Object.values(batch) as MetricBatch[keyof MetricBatch][]) {
      for (const p of points) {
        this.resourceScope(p, pass);
        p.MetricName = this.repeated(p.MetricName, pass);
        p.MetricUnit = this.repeated(p.MetricUnit, pass);
        p.MetricDescription = this.repeated(p.MetricDescription, pass);
        this.attributes(p.MetricMetadata, p.MetricMetadataTypes, pass);
        this.attributes(p.Attributes, p.AttributeTypes, pass);
        const ex = p['Exemplars.FilteredAttributes'];
        for (let i = 0; i < ex.length; i++) this.attributes(ex[i]!, p['Exemplars.FilteredAttributeTypes'][i]!, pass);
      }
    }
    return pass.counts;
  }

  /** Redacts secrets inside one string (exposed for tests and tools). */
  redactText(value: string): { text: string; counts: RedactionCounts } {
    const pass: Pass = { counts: {}, seen: new Set() };
    return { text: this.text(value, pass), counts: pass.counts };
  }

  private resourceScope(
    r: {
      ResourceAttributes: AttributeValues;
      ResourceAttributeTypes: AttributeTypes;
      ResourceSchemaUrl: string;
      ScopeName: string;
      ScopeVersion: string;
      ScopeAttributes: AttributeValues;
      ScopeAttributeTypes: AttributeTypes;
      ScopeSchemaUrl: string;
    },
    pass: Pass,
  ): void {
    this.attributes(r.ResourceAttributes, r.ResourceAttributeTypes, pass);
    this.attributes(r.ScopeAttributes, r.ScopeAttributeTypes, pass);
    r.ResourceSchemaUrl = this.repeated(r.ResourceSchemaUrl, pass);
    r.ScopeName = this.repeated(r.ScopeName, pass);
    r.ScopeVersion = this.repeated(r.ScopeVersion, pass);
    r.ScopeSchemaUrl = this.repeated(r.ScopeSchemaUrl, pass);
  }

  /** A short field (trace state): redacted like any value when long enough to hold a secret. */
  private short(value: string, pass: Pass): string {
    return value.length >= MIN_LENGTH ? this.text(value, pass) : value;
  }

  /** A field repeated on many records of one request (scope name, metric name): redacted once per pass. */
  private repeated(value: string, pass: Pass): string {
    if (value.length < MIN_LENGTH) return value;
    pass.texts ??= new Map();
    let out = pass.texts.get(value);
    if (out === undefined) {
      // Counted once per distinct value and request, as shared attribute maps are.
      out = this.text(value, pass);
      pass.texts.set(value, out);
    }
    return out;
  }

  /**
   * `own`: the map is its record's alone (a span's, event's, link's or log record's attributes:
   * the decoders make one per record), so it is not looked up in and added to `pass.seen`,
   * which is for the maps records share (resource, scope, metric metadata): a Set entry per
   * record was ~15% of a span's redaction.
   */
  private attributes(values: AttributeValues, types: AttributeTypes, pass: Pass, own = false): void {
    if (!own) {
      if (pass.seen.has(values)) return;
      pass.seen.add(values);
    }
    for (const original in values) {
      let sensitive = this.keys.get(original);
      let key = original;
      if (sensitive === undefined) {
        // A key is client text too ("Bearer eyJ..." as a key): a secret in it is redacted, the
        // value kept under the redacted key.
        key = original.length >= MIN_LENGTH ? this.text(original, pass) : original;
        if (key !== original) {
          values[key] = values[original]!;
          delete values[original];
          if (types[original] !== undefined) {
            types[key] = types[original]!;
            delete types[original];
          }
        }
        sensitive = this.keyRegex?.test(key) ?? false;
        if (key === original) this.rememberKey(key, sensitive);
      }
      const value = values[key]!;
      const type = types[key];
      if (sensitive) {
        if (value !== this.replacement) {
          values[key] = this.replacement;
          if (type !== undefined) delete types[key];
          count(pass, KEY_RULE);
        }
        continue;
      }
      if (value.length < MIN_LENGTH) continue;
      if (type === undefined) values[key] = this.text(value, pass);
      else if (type === 'int') {
        // A card number sent as an int becomes a string '[REDACTED]'.
        const text = this.text(value, pass);
        if (text !== value) {
          values[key] = text;
          delete types[key];
        }
      } else if (type === 'kvlist' || type === 'array') values[key] = this.structured(value, pass);
      else if (type === 'bytes') {
        // Bytes are stored base64; a secret sent as bytes is a secret too. Redacted, it
        // becomes the replacement string (the rest of the bytes cannot be kept faithfully).
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        if (this.text(decoded, pass) !== decoded) {
          values[key] = this.replacement;
          delete types[key];
        }
      }
    }
  }

  /**
   * Keys no rule changes, with whether they name a secret: the same few dozen keys come on every
   * span, and checking each one twice by regex was ~40% of the redaction of a span.
   */
  private rememberKey(key: string, sensitive: boolean): void {
    if (key.length > MAX_KEY_LENGTH) return;
    if (this.keys.size >= MAX_KEYS) this.keys.clear();
    this.keys.set(key, sensitive);
  }

  private text(value: string, pass: Pass): string {
    // A cache of values known clean was tried: no gain on the loadgen workload.
    if (!this.trigger?.test(value)) return value;
    let out = value;
    for (const rule of this.valueRules) {
      rule.regex.lastIndex = 0;
      if (!rule.regex.test(out)) continue;
      rule.regex.lastIndex = 0;
      let changed = false;
      out = out.replace(rule.regex, (match: string, ...groups: unknown[]) => {
        if (rule.accept && !rule.accept(match)) return match;
        changed = true;
        if (!rule.replace) return this.replacement;
        const captures = groups.slice(0, -2).map((g) => (typeof g === 'string' ? g : ''));
        return rule.replace(this.replacement, match, ...captures);
      });
      if (changed) count(pass, rule.name);
    }
    return out;
  }

  /**
   * Array and kvlist values are stored as OTLP/JSON text. Values inside are checked like
   * any other; keys inside a kvlist like attribute keys. Parsed only when the text could
   * hold something to redact.
   */
  private structured(json: string, pass: Pass): string {
    const keyHit = this.keyRegex?.test(json) ?? false;
    if (!keyHit && !(this.trigger?.test(json) ?? false)) return json;
    let doc: unknown;
    try {
      doc = JSON.parse(json);
    } catch {
      return this.text(json, pass);
    }
    const walk = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(walk);
      if (v === null || typeof v !== 'object') return v;
      const o = v as Record<string, unknown>;
      if (typeof o.key === 'string' && 'value' in o) {
        if (this.keyRegex?.test(o.key)) {
          count(pass, KEY_RULE);
          return { key: o.key, value: { stringValue: this.replacement } };
        }
        return { ...o, value: walk(o.value) };
      }
      if (typeof o.stringValue === 'string') return { stringValue: this.text(o.stringValue, pass) };
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) out[k] = walk(x);
      return out;
    };
    return JSON.stringify(walk(doc));
  }
}

function count(pass: Pass, rule: string): void {
  pass.counts[rule] = (pass.counts[rule] ?? 0) + 1;
}

function checked(source: string, name: string): string {
  try {
    new RegExp(source, 'i');
  } catch (err) {
    throw new Error(`redaction.${name}: invalid regular expression: ${(err as Error).message}`);
  }
  return source;
}
