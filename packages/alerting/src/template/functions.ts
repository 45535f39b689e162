import { formatG, goString, goTime, sprintf } from './gofmt';

/** Prometheus's template functions (those that need no query engine) and Go's builtins. */
export type TemplateFn = (...args: unknown[]) => unknown;

const num = (v: unknown, fn: string): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (typeof v === 'string' && /^[-+]?(inf|nan)$/i.test(v.trim()))
    return Number.parseFloat(v.replace(/inf/i, 'Infinity'));
  throw new Error(`${fn}: cannot convert ${JSON.stringify(goString(v))} to a number`);
};

const g4 = (v: number) => formatG(v, 4);

export function humanize(input: unknown): string {
  let v = num(input, 'humanize');
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return `${g4(v)}${prefix}`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}`;
}

export function humanize1024(input: unknown): string {
  let v = num(input, 'humanize1024');
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return `${g4(v)}${prefix}`;
}

export function humanizeDuration(input: unknown): string {
  let v = num(input, 'humanizeDuration');
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return `${g4(v)}s`;
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    v = Math.abs(v);
    const d = Math.trunc(v);
    const seconds = d % 60;
    const minutes = Math.trunc(d / 60) % 60;
    const hours = Math.trunc(d / 3600) % 24;
    const days = Math.trunc(d / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

export const humanizePercentage = (v: unknown): string => `${g4(num(v, 'humanizePercentage') * 100)}%`;

export function humanizeTimestamp(input: unknown): string {
  const v = num(input, 'humanizeTimestamp');
  if (!Number.isFinite(v)) return g4(v);
  return goTime(new Date(v * 1000));
}

const truthy = (v: unknown): boolean =>
  !(
    v === null ||
    v === undefined ||
    v === false ||
    v === 0 ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && Object.keys(v as object).length === 0)
  );

export { truthy };

function compare(fn: string, a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`${fn}: incompatible types for comparison`);
}

const str = (v: unknown) => goString(v);

export const builtins: Record<string, TemplateFn> = {
  // Go's text/template builtins.
  and: (...a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
  not: (a) => !truthy(a),
  len: (a) => {
    if (typeof a === 'string' || Array.isArray(a)) return a.length;
    if (a && typeof a === 'object') return Object.keys(a).length;
    throw new Error('len of a value that has none');
  },
  index: (a, ...keys) => {
    let v = a;
    for (const k of keys) {
      if (Array.isArray(v)) v = v[num(k, 'index')];
      else if (v && typeof v === 'object') v = (v as Record<string, unknown>)[String(k)] ?? '';
      else throw new Error(`index of ${goString(v)}`);
    }
    return v;
  },
  print: (...a) => a.map(str).join(''),
  println: (...a) => `${a.map(str).join(' ')}\n`,
  printf: (format, ...a) => sprintf(String(format), a),
  eq: (a, ...b) => b.some((x) => compare('eq', a, x) === 0),
  ne: (a, b) => compare('ne', a, b) !== 0,
  lt: (a, b) => compare('lt', a, b) < 0,
  le: (a, b) => compare('le', a, b) <= 0,
  gt: (a, b) => compare('gt', a, b) > 0,
  ge: (a, b) => compare('ge', a, b) >= 0,
  html: (s) =>
    str(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!),
  js: (s) => JSON.stringify(str(s)).slice(1, -1),
  urlquery: (...a) => encodeURIComponent(a.map(str).join('')).replace(/%20/g, '+'),
  // Prometheus's own.
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  humanizeTimestamp,
  title: (s) => str(s).replace(/\b\p{L}/gu, (c) => c.toUpperCase()),
  toUpper: (s) => str(s).toUpperCase(),
  toLower: (s) => str(s).toLowerCase(),
  match: (pattern, s) => new RegExp(`^(?:${str(pattern)})$`).test(str(s)),
  reReplaceAll: (pattern, repl, text) =>
    str(text).replace(
      new RegExp(str(pattern), 'g'),
      str(repl)
        .replace(/\$\{?(\w+)\}?/g, '$$<$1>')
        .replace(/\$<(\d+)>/g, '$$$1'),
    ),
  safeHtml: (s) => str(s),
  stripPort: (s) => {
    const h = str(s);
    const m = /^\[([^\]]+)\](?::\d+)?$/.exec(h) ?? /^([^:]+):\d+$/.exec(h);
    return m ? m[1] : h;
  },
  stripDomain: (s) => {
    const h = str(s);
    const m = /^([^.:[\]]+)(?:\.[^:]*)?(:\d+)?$/.exec(h);
    return m ? `${m[1]}${m[2] ?? ''}` : h;
  },
  toTime: (v) => new Date(num(v, 'toTime') * 1000),
  parseDuration: (s) => {
    const text = str(s);
    const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
    let total = 0;
    const re = /(\d+)(ms|s|m|h|d|w|y)/y;
    let pos = 0;
    while (pos < text.length) {
      re.lastIndex = pos;
      const m = re.exec(text);
      if (!m) throw new Error(`parseDuration: invalid duration ${JSON.stringify(text)}`);
      total += Number(m[1]) * units[m[2]!]!;
      pos = re.lastIndex;
    }
    return total;
  },
  args: (...a) => Object.fromEntries(a.map((v, i) => [`arg${i}`, v])),
};
