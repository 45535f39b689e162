/**
 * Prometheus text 0.0.4 and OpenMetrics 1.0 writers for metric families. The differences
 * that matter: OpenMetrics names a counter's family without `_total`, carries exemplars
 * (only on `_bucket` and `_total` samples), canonical `le` values and ends with `# EOF`.
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

export type LabelPairs = readonly (readonly [string, string])[];

export interface Exemplar {
  traceId: string;
  spanId: string;
  /** The observed value (seconds for latency). */
  value: number;
  /** When it was observed, ns since the epoch as a decimal string. */
  timeUnixNano: string;
}

export interface CounterFamily {
  type: 'counter';
  /** Family name without `_total`. */
  name: string;
  help: string;
  samples: { labels: LabelPairs; value: number }[];
}

export interface HistogramFamily {
  type: 'histogram';
  name: string;
  help: string;
  /** Upper bounds, ascending, without +Inf. */
  bounds: readonly number[];
  samples: {
    labels: LabelPairs;
    /** Non-cumulative counts, bounds.length + 1 (+Inf last). */
    buckets: readonly number[];
    sum: number;
    exemplars?: readonly (Exemplar | undefined)[];
  }[];
}

/** Anything else (gauges, summaries, prom-client histograms): samples written as given. */
export interface PlainFamily {
  type: 'gauge' | 'summary' | 'untyped' | 'histogram' | 'counter';
  name: string;
  help: string;
  plain: true;
  samples: { name: string; labels: LabelPairs; value: number }[];
}

export type Family = CounterFamily | HistogramFamily | PlainFamily;

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string, om: boolean) => {
  const s = v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return om ? s.replace(/"/g, '\\"') : s;
};

function labelText(labels: LabelPairs, extra?: readonly [string, string]): string {
  const all = extra ? [...labels, extra] : labels;
  if (all.length === 0) return '';
  return `{${all.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

/** Canonical OpenMetrics `le`: a float with a dot or exponent ("1.0", "0.002", "+Inf"). */
function leText(bound: number, om: boolean): string {
  if (!Number.isFinite(bound)) return '+Inf';
  const s = String(bound);
  return om && /^-?\d+$/.test(s) ? `${s}.0` : s;
}

const EXEMPLAR_RUNES = 128;

function exemplarText(e: Exemplar | undefined): string {
  if (!e) return '';
  const labels = `trace_id="${e.traceId}",span_id="${e.spanId}"`;
  // OpenMetrics caps exemplar label names + values at 128 characters.
  if ('trace_id'.length + e.traceId.length + 'span_id'.length + e.spanId.length > EXEMPLAR_RUNES) return '';
  const ns = BigInt(e.timeUnixNano);
  const ts = `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
  return ` # {${labels}} ${formatNumber(e.value)} ${ts}`;
}

/** Writes the families; `openMetrics` selects OpenMetrics 1.0 (with exemplars) over 0.0.4. */
export function formatExposition(families: readonly Family[], openMetrics: boolean): string {
  const out: string[] = [];
  for (const f of families) {
    const family = openMetrics && f.type === 'counter' ? f.name.replace(/_total$/, '') : f.name;
    const typeName = !openMetrics && f.type === 'counter' && !('plain' in f) ? `${f.name}_total` : family;
    const help = `# HELP ${typeName} ${escapeHelp(f.help, openMetrics)}`;
    const type = `# TYPE ${typeName} ${openMetrics && f.type === 'untyped' ? 'unknown' : f.type}`;
    if (openMetrics) out.push(type, help);
    else out.push(help, type);
    if ('plain' in f) {
      for (const s of f.samples) {
        let name = s.name;
        if (openMetrics && f.type === 'counter' && !name.endsWith('_total') && !name.endsWith('_created'))
          name = `${name}_total`;
        const labels = s.labels.map(([k, v]) => [k, k === 'le' ? leText(Number(v), openMetrics) : v] as const);
        out.push(`${name}${labelText(labels)} ${formatNumber(s.value)}`);
      }
    } else if (f.type === 'counter') {
      for (const s of f.samples) out.push(`${f.name}_total${labelText(s.labels)} ${formatNumber(s.value)}`);
    } else {
      for (const s of f.samples) {
        let acc = 0;
        for (let i = 0; i <= f.bounds.length; i++) {
          acc += s.buckets[i] ?? 0;
          const le = i < f.bounds.length ? leText(f.bounds[i]!, openMetrics) : '+Inf';
          const ex = openMetrics ? exemplarText(s.exemplars?.[i]) : '';
          out.push(`${f.name}_bucket${labelText(s.labels, ['le', le])} ${acc}${ex}`);
        }
        out.push(`${f.name}_sum${labelText(s.labels)} ${formatNumber(s.sum)}`);
        out.push(`${f.name}_count${labelText(s.labels)} ${acc}`);
      }
    }
  }
  if (openMetrics) out.push('# EOF');
  return `${out.join('\n')}\n`;
}

/**
 * Whether an Accept header asks for OpenMetrics (Prometheus sends
 * `application/openmetrics-text;version=1.0.0,...;q=0.5,...`). A q=0 entry does not count.
 */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    if (type !== 'application/openmetrics-text') return false;
    const q = params.find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}
