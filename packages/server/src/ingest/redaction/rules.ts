import { luhnValid } from './luhn';

/**
 * A value rule finds secrets inside a string. `trigger` is a cheap substring or short
 * pattern that every match contains: all triggers are joined into one prefilter, so the
 * common value that contains none of them costs one regex test. `regex` (global) finds
 * the secret; `replace` rebuilds the match around the replacement (keeping a scheme or a
 * key name readable), and `accept` can veto a match (the Luhn check for card numbers).
 */
export interface ValueRule {
  name: string;
  trigger: string;
  regex: RegExp;
  replace?: (replacement: string, match: string, ...groups: string[]) => string;
  accept?: (match: string) => boolean;
}

const keepPrefix = (r: string, _m: string, prefix: string) => `${prefix}${r}`;

export const VALUE_RULES: ValueRule[] = [
  {
    name: 'pem-private-key',
    trigger: '-----BEGIN',
    // Also a truncated key (attribute values get cut at a length limit).
    regex: /-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  },
  {
    name: 'jwt',
    trigger: 'eyJ',
    regex: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  },
  {
    name: 'authorization-header',
    trigger: '(?:bearer|basic|digest|negotiate)\\s',
    regex: /\b((?:Bearer|Basic|Digest|Negotiate)\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
    replace: keepPrefix,
  },
  {
    name: 'aws-access-key',
    trigger: 'A[SKBCGIRPN][IAPDON]A',
    regex: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g,
  },
  {
    name: 'aws-secret-key',
    trigger: 'aws_?secret',
    regex: /(aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{40}/gi,
    replace: keepPrefix,
  },
  {
    name: 'gcp-api-key',
    trigger: 'AIza',
    regex: /\bAIza[0-9A-Za-z_-]{35}/g,
  },
  {
    name: 'gcp-oauth-token',
    trigger: 'ya29\\.',
    regex: /\bya29\.[0-9A-Za-z_-]{20,}/g,
  },
  {
    name: 'azure-key',
    trigger: '(?:accountkey|sharedaccesskey|sig)=',
    regex: /((?:AccountKey|SharedAccessKey)=|[?&]sig=)[A-Za-z0-9%+/=]{16,}/gi,
    replace: keepPrefix,
  },
  {
    name: 'azure-client-secret',
    trigger: '\\dQ~',
    regex: /\b[a-zA-Z0-9_~.-]{3}\dQ~[a-zA-Z0-9_~.-]{31,34}/g,
  },
  {
    name: 'api-key',
    trigger: 'gh[pousr]_|github_pat_|xox[abposr]-|[rs]k_live_|sk-|th[ails]_|glpat-',
    // GitHub, GitLab, Slack, Stripe, OpenAI-style, and tracehouse's own tokens.
    regex:
      /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|[rs]k_live_[0-9a-zA-Z]{20,}|sk-(?:proj-)?[A-Za-z0-9_-]{32,}|th[ails]_[A-Za-z0-9_-]{43})/g,
  },
  {
    name: 'secret-assignment',
    trigger: 'passw|pwd|secret|api_?key|apikey|token|private_?key',
    // password=..., "api_key": "...", token: ... in free text, query strings and JSON.
    regex:
      /\b((?:password|passwd|pwd|secret|client_secret|api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|auth[_-]?token|id[_-]?token|token|private[_-]?key)["']?\s*[:=]\s*["']?)(?!\[)[^\s"'&,;}]+/gi,
    replace: keepPrefix,
  },
  {
    name: 'url-credentials',
    // The first part excludes ':' so that a URL without credentials fails without backtracking.
    trigger: '://[^\\s/@:]*:[^\\s/@]*@',
    regex: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+(?=@)/gi,
    replace: keepPrefix,
  },
  {
    name: 'card-number',
    trigger: '[2-6]\\d{3}[ -]?\\d{4}[ -]?\\d{4}',
    // Issuer prefixes 2-6 (Mastercard 2-series, Amex, Visa, Mastercard, Discover): excludes
    // 1xxx, so Unix timestamps in ms and ns never match.
    regex: /\b[2-6]\d{3}(?:[ -]?\d){9,15}\b/g,
    accept: (m) => {
      const digits = m.replace(/[ -]/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
    },
  },
];

/**
 * Attribute keys whose whole value is a secret: authorization and cookie headers
 * (`http.request.header.authorization`), passwords, secrets, API keys, private keys,
 * credentials, and keys ending in `token` (but not `..._tokens` counts such as
 * `gen_ai.usage.input_tokens`).
 */
export const SENSITIVE_KEY =
  /authorization|cookie|passw(?:or)?d|secret|api[-_.]?key|private[-_.]?key|credential|(?:^|[^a-z])(?:pwd|token|cvv|cvc)$/i;

export const KEY_RULE = 'sensitive-key';

export const BUILTIN_RULES = [KEY_RULE, ...VALUE_RULES.map((r) => r.name)];
