import type { QueryResult } from './engine';
import { formatFloat } from './format';
import type { Labels } from './labels';

/** Labels in name order, as Prometheus writes them. */
export function sortedLabels(l: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(l).sort()) out[k] = l[k]!;
  return out;
}

/** A query result as Prometheus's HTTP API writes `data` (times in float seconds, values as strings). */
export function resultJson(r: QueryResult): { resultType: string; result: unknown } {
  const sec = (ms: number) => ms / 1000;
  switch (r.resultType) {
    case 'scalar':
      return { resultType: 'scalar', result: [sec(r.t), formatFloat(r.v)] };
    case 'string':
      return { resultType: 'string', result: [sec(r.t), r.s] };
    case 'vector':
      return {
        resultType: 'vector',
        result: r.result.map((s) => ({ metric: sortedLabels(s.metric), value: [sec(s.t), formatFloat(s.v)] })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: r.result.map((s) => ({
          metric: sortedLabels(s.metric),
          values: s.t.map((t, i) => [sec(t), formatFloat(s.v[i]!)]),
        })),
      };
  }
}
