/** A series' label set, the metric name under `__name__`. Treated as immutable once built. */
export type Labels = Readonly<Record<string, string>>;

export const METRIC_NAME = '__name__';

const keys = new WeakMap<Labels, string>();

/** A canonical string of a label set (sorted names), memoised: the identity of a series. */
export function labelsKey(labels: Labels): string {
  let k = keys.get(labels);
  if (k === undefined) {
    k = Object.keys(labels)
      .sort()
      .map((n) => `${n}\xff${labels[n]}`)
      .join('\xfe');
    keys.set(labels, k);
  }
  return k;
}

const withoutName = new WeakMap<Labels, Labels>();

/** The label set without `__name__` (memoised: a series loses its name once, not once per step). */
export function dropName(labels: Labels): Labels {
  if (labels[METRIC_NAME] === undefined) return labels;
  let out = withoutName.get(labels);
  if (!out) {
    const { [METRIC_NAME]: _, ...rest } = labels;
    out = rest;
    withoutName.set(labels, out);
  }
  return out;
}

/** The values of `names` (by) or of every label but `names` (without): the key of a group. */
export function groupingKey(labels: Labels, names: readonly string[], without: boolean): string {
  if (!without) {
    let k = '';
    for (const n of names) k += `${labels[n] ?? ''}\xff`;
    return k;
  }
  return labelsKey(withoutLabels(labels, names));
}

/** The labels a `by`/`without` group keeps (never `__name__` for `without`). */
export function groupLabels(labels: Labels, names: readonly string[], without: boolean): Labels {
  if (without) return withoutLabels(labels, names);
  const out: Record<string, string> = {};
  for (const n of names) if (labels[n] !== undefined && labels[n] !== '') out[n] = labels[n]!;
  return out;
}

function withoutLabels(labels: Labels, names: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const [n, v] of Object.entries(labels)) if (n !== METRIC_NAME && !names.includes(n)) out[n] = v;
  return out;
}

/** A label set with some labels set (an empty value removes the label, as in Prometheus). */
export function withLabels(labels: Labels, set: Record<string, string>): Labels {
  const out: Record<string, string> = { ...labels };
  for (const [n, v] of Object.entries(set)) {
    if (v === '') delete out[n];
    else out[n] = v;
  }
  return out;
}

/** Orders label sets as Prometheus does (by sorted name/value pairs). */
export function compareLabels(a: Labels, b: Labels): number {
  const an = Object.keys(a).sort();
  const bn = Object.keys(b).sort();
  for (let i = 0; i < Math.min(an.length, bn.length); i++) {
    if (an[i] !== bn[i]) return an[i]! < bn[i]! ? -1 : 1;
    const av = a[an[i]!]!;
    const bv = b[bn[i]!]!;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return an.length - bn.length;
}
