/**
 * OpenTelemetry -> Prometheus names, as Prometheus's own OTLP receiver writes them (its
 * otlptranslator, "underscore escaping with suffixes", the default): the metric name split on
 * characters Prometheus does not allow, the unit appended as a word (`_seconds`, `_bytes`,
 * `_per_second`), `_total` for monotonic sums, `_ratio` for gauges of unit "1"; attribute
 * names made legal label names.
 */

const UNITS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

const PER_UNITS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** How a stored metric maps to Prometheus's types (for naming and for /metadata). */
export type OtlpKind = 'gauge' | 'counter' | 'nonMonotonicSum' | 'histogram' | 'expHistogram' | 'summary';

function cleanUnit(unit: string): string {
  return unit
    .replace(/[^a-zA-Z0-9:_]/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_/, '');
}

function unitSuffixes(unit: string): [string, string] {
  const [main = '', per] = unit.split(/\/(.*)/s, 2);
  const m = main.trim();
  const p = (per ?? '').trim();
  const mainSuffix = m && !/[{}]/.test(m) ? (UNITS[m] ?? m) : '';
  const perSuffix = p && !/[{}]/.test(p) ? (PER_UNITS[p] ?? p) : '';
  return [cleanUnit(mainSuffix), cleanUnit(perSuffix)];
}

/** The Prometheus base name of an OTLP metric (histograms and summaries add _bucket/_sum/_count). */
export function prometheusMetricName(name: string, unit: string, kind: OtlpKind): string {
  let tokens = name.split(/[^a-zA-Z0-9:]+/).filter((t) => t !== '');
  const [main, per] = unitSuffixes(unit);
  if (main && !tokens.includes(main)) tokens.push(main);
  if (per && !tokens.includes(per)) tokens.push('per', per);
  if (kind === 'counter') tokens = [...tokens.filter((t) => t !== 'total'), 'total'];
  if (unit === '1' && kind === 'gauge') tokens = [...tokens.filter((t) => t !== 'ratio'), 'ratio'];
  const out = tokens.join('_');
  return /^[0-9]/.test(out) ? `_${out}` : out;
}

/** An attribute key as a label name: `http.route` -> `http_route`, `2xx` -> `key_2xx`. */
export function prometheusLabelName(key: string): string {
  if (key === '') return key;
  let out = key.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(out)) out = `key_${out}`;
  else if (out.startsWith('_') && !out.startsWith('__')) out = `key${out}`;
  return out;
}

/** The same rule in ClickHouse SQL, applied to every attribute key of a row (`k` is the key). */
export const LABEL_NAME_SQL = `multiIf(
    match(replaceRegexpAll(k, '[^a-zA-Z0-9_]', '_'), '^[0-9]'), concat('key_', replaceRegexpAll(k, '[^a-zA-Z0-9_]', '_')),
    startsWith(k, '_') AND NOT startsWith(replaceRegexpAll(k, '[^a-zA-Z0-9_]', '_'), '__'), concat('key', replaceRegexpAll(k, '[^a-zA-Z0-9_]', '_')),
    replaceRegexpAll(k, '[^a-zA-Z0-9_]', '_'))`;
