import type { AggregateOp } from './ast';
import { execution } from './errors';
import { formatFloat } from './format';
import { kahanSumInc, Mean, quantile } from './functions/math';
import { groupingKey, groupLabels, type Labels, labelsKey, withLabels } from './labels';
import type { Sample } from './value';

interface Group {
  labels: Labels;
  samples: Sample[];
}

function groups(samples: Sample[], grouping: readonly string[], without: boolean): Group[] {
  const out = new Map<string, Group>();
  for (const s of samples) {
    const key = groupingKey(s.labels, grouping, without);
    let g = out.get(key);
    if (!g) {
      g = { labels: groupLabels(s.labels, grouping, without), samples: [] };
      out.set(key, g);
    }
    g.samples.push(s);
  }
  return [...out.values()];
}

function reduce(op: AggregateOp, values: Sample[], param: number): number {
  switch (op) {
    case 'sum': {
      let sum = values[0]!.v;
      let c = 0;
      for (let i = 1; i < values.length; i++) [sum, c] = kahanSumInc(values[i]!.v, sum, c);
      return sum + c;
    }
    case 'avg': {
      const m = new Mean();
      for (const s of values) m.add(s.v);
      return m.value();
    }
    case 'count':
      return values.length;
    case 'group':
      return 1;
    case 'min': {
      let min = values[0]!.v;
      for (const s of values) if (s.v < min || Number.isNaN(min)) min = s.v;
      return min;
    }
    case 'max': {
      let max = values[0]!.v;
      for (const s of values) if (s.v > max || Number.isNaN(max)) max = s.v;
      return max;
    }
    case 'stddev':
    case 'stdvar': {
      let count = 0;
      let mean = 0;
      let value = 0;
      for (const s of values) {
        count++;
        const delta = s.v - mean;
        mean += delta / count;
        value += delta * (s.v - mean);
      }
      return op === 'stdvar' ? value / count : Math.sqrt(value / count);
    }
    case 'quantile':
      return quantile(
        param,
        values.map((s) => s.v),
      );
    default:
      throw execution(`aggregation ${op} has no reduction`);
  }
}

/** Evaluates one aggregation at one time. `param` is k, q or the count_values label. */
export function aggregate(
  op: AggregateOp,
  samples: Sample[],
  grouping: readonly string[],
  without: boolean,
  param: number | string | undefined,
): Sample[] {
  if (op === 'topk' || op === 'bottomk') {
    const k = param as number;
    if (Number.isNaN(k)) throw execution(`Parameter value is NaN for ${op}`);
    if (k < 1) return [];
    if (k > Number.MAX_SAFE_INTEGER) throw execution(`Scalar value ${k} overflows int64`);
    const out: Sample[] = [];
    for (const g of groups(samples, grouping, without)) {
      // NaN ranks last in both; ties keep input order.
      const sorted = [...g.samples].sort((a, b) => {
        if (Number.isNaN(a.v) || Number.isNaN(b.v)) return Number.isNaN(a.v) ? (Number.isNaN(b.v) ? 0 : 1) : -1;
        return op === 'topk' ? b.v - a.v : a.v - b.v;
      });
      out.push(...sorted.slice(0, Math.floor(k)));
    }
    return out;
  }
  if (op === 'count_values') {
    const label = param as string;
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) throw execution(`invalid label name "${label}"`);
    const counts = new Map<string, Sample>();
    for (const s of samples) {
      const base = groupLabels(s.labels, grouping, without);
      const labels = withLabels(base, { [label]: formatFloat(s.v) });
      const key = labelsKey(labels);
      const c = counts.get(key);
      if (c) c.v++;
      else counts.set(key, { labels, v: 1 });
    }
    return [...counts.values()];
  }
  return groups(samples, grouping, without).map((g) => ({
    labels: g.labels,
    v: reduce(op, g.samples, param as number),
  }));
}
