import { badData } from '../errors';
import { dropName, type Labels, labelsKey, METRIC_NAME, withLabels } from '../labels';
import { anchoredRegex } from '../regex';
import type { Sample } from '../value';
import { bucketQuantile, byValue } from './math';

type Unary = (f: number) => number;

const UNARY: Record<string, Unary> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sqrt: Math.sqrt,
  sgn: (f) => (f > 0 ? 1 : f < 0 ? -1 : f),
  acos: Math.acos,
  acosh: Math.acosh,
  asin: Math.asin,
  asinh: Math.asinh,
  atan: Math.atan,
  atanh: Math.atanh,
  cos: Math.cos,
  cosh: Math.cosh,
  sin: Math.sin,
  sinh: Math.sinh,
  tan: Math.tan,
  tanh: Math.tanh,
  deg: (f) => (f * 180) / Math.PI,
  rad: (f) => (f * Math.PI) / 180,
};

export const isUnaryFunction = (name: string): boolean => name in UNARY;

export function applyUnary(name: string, samples: Sample[]): Sample[] {
  const f = UNARY[name]!;
  return samples.map((s) => ({ labels: dropName(s.labels), v: f(s.v) }));
}

/** UTC calendar fields of a Unix time in seconds. */
const CALENDAR: Record<string, (d: Date) => number> = {
  day_of_month: (d) => d.getUTCDate(),
  day_of_week: (d) => d.getUTCDay(),
  day_of_year: (d) => {
    const start = Date.UTC(d.getUTCFullYear(), 0, 1);
    return Math.floor((d.getTime() - start) / 86_400_000) + 1;
  },
  days_in_month: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  hour: (d) => d.getUTCHours(),
  minute: (d) => d.getUTCMinutes(),
  month: (d) => d.getUTCMonth() + 1,
  year: (d) => d.getUTCFullYear(),
};

export const isCalendarFunction = (name: string): boolean => name in CALENDAR;

export function applyCalendar(name: string, samples: Sample[]): Sample[] {
  const f = CALENDAR[name]!;
  return samples.map((s) => ({ labels: dropName(s.labels), v: f(new Date(Math.floor(s.v) * 1000)) }));
}

export function round(samples: Sample[], toNearest: number): Sample[] {
  const inverse = 1 / toNearest;
  return samples.map((s) => ({ labels: dropName(s.labels), v: Math.floor(s.v * inverse + 0.5) / inverse }));
}

export function clamp(samples: Sample[], min: number, max: number): Sample[] {
  if (max < min) return [];
  return samples.map((s) => ({ labels: dropName(s.labels), v: Math.max(min, Math.min(max, s.v)) }));
}

export function sortByValue(samples: Sample[], desc: boolean): Sample[] {
  // Prometheus's sort and sort_desc both put NaN first.
  return [...samples].sort((a, b) =>
    Number.isNaN(a.v) || Number.isNaN(b.v) ? byValue(a.v, b.v) : desc ? b.v - a.v : a.v - b.v,
  );
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Go's regexp Expand for `$1`, `${1}`, `$name`, `${name}` and `$$`. */
function expand(template: string, groups: (string | null)[], named: Record<string, string | null>): string {
  return template.replace(
    /\$(\$|\{([a-zA-Z0-9_]+)\}|([a-zA-Z0-9_]+))/g,
    (_m, all: string, braced?: string, bare?: string) => {
      if (all === '$') return '$';
      const name = braced ?? bare!;
      if (/^\d+$/.test(name)) return groups[Number(name)] ?? '';
      return named[name] ?? '';
    },
  );
}

export function labelReplace(
  samples: Sample[],
  dst: string,
  replacement: string,
  src: string,
  regex: string,
): Sample[] {
  let re: ReturnType<typeof anchoredRegex>;
  try {
    re = anchoredRegex(regex);
  } catch (err) {
    throw badData(`invalid regular expression in label_replace(): ${regex}: ${(err as Error).message}`);
  }
  if (!LABEL_NAME.test(dst)) throw badData(`invalid destination label name in label_replace(): ${dst}`);
  return samples.map((s) => {
    const m = re.matcher(s.labels[src] ?? '');
    if (!m.matches()) return s;
    const groups: (string | null)[] = [];
    for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i));
    const named: Record<string, string | null> = {};
    for (const name of Object.keys(re.namedGroups() ?? {})) named[name] = m.group(name);
    const value = expand(replacement, groups, named);
    return { ...s, labels: withLabels(s.labels, { [dst]: value }) };
  });
}

export function labelJoin(samples: Sample[], dst: string, sep: string, srcs: string[]): Sample[] {
  if (!LABEL_NAME.test(dst)) throw badData(`invalid destination label name in label_join(): ${dst}`);
  return samples.map((s) => ({
    ...s,
    labels: withLabels(s.labels, { [dst]: srcs.map((l) => s.labels[l] ?? '').join(sep) }),
  }));
}

/** absent(): one sample of 1 with the selector's equality labels when the vector is empty. */
export function absentLabels(matchers: readonly { name: string; type: string; value: string }[] | undefined): Labels {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const m of matchers ?? []) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === '=' && !seen.has(m.name)) {
      out[m.name] = m.value;
      seen.add(m.name);
    } else {
      delete out[m.name];
    }
  }
  for (const k of Object.keys(out)) if (out[k] === '') delete out[k];
  return out;
}

/** histogram_quantile over classic buckets: series grouped by their labels without `le`. */
export function histogramQuantile(q: number, samples: Sample[]): Sample[] {
  const groups = new Map<string, { labels: Labels; buckets: { upperBound: number; count: number }[] }>();
  for (const s of samples) {
    const b = bucketOf(s.labels);
    if (!b) continue;
    let g = groups.get(b.key);
    if (!g) {
      g = { labels: b.labels, buckets: [] };
      groups.set(b.key, g);
    }
    g.buckets.push({ upperBound: b.upperBound, count: s.v });
  }
  return [...groups.values()].map((g) => ({ labels: g.labels, v: bucketQuantile(q, g.buckets) }));
}

export interface BucketSeries {
  upperBound: number;
  /** The histogram's labels (without `le` and the name) and their key. */
  labels: Labels;
  key: string;
}

/** Memoised per label set: a range query meets the same series' labels at every step. */
const buckets = new WeakMap<Labels, BucketSeries | null>();

/** The bucket a series' labels name (its `le` and its histogram), or null without an `le` that is a number. */
export function bucketOf(labels: Labels): BucketSeries | null {
  let b = buckets.get(labels);
  if (b !== undefined) return b;
  const upperBound = labels.le === undefined ? undefined : parseGoFloat(labels.le);
  if (upperBound === undefined) b = null;
  else {
    const { le: _, ...rest } = dropName(labels);
    b = { upperBound, labels: rest, key: labelsKey(rest) };
  }
  buckets.set(labels, b);
  return b;
}

/** strconv.ParseFloat for `le` values: decimal, exponent, +Inf/Inf/-Inf/NaN, hex. */
function parseGoFloat(text: string): number | undefined {
  const t = text.trim();
  if (/^[+]?inf(inity)?$/i.test(t)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(t)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(t)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}
