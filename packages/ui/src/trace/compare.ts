// Two traces compared by structure: spans are matched by their path of (service, name) from
// the root, so "the same call" lines up even though span ids differ between traces.
import type { Trace } from './model';

export interface CompareRow {
  /** service:name of each ancestor down to this node. */
  path: string[];
  depth: number;
  countA: number;
  countB: number;
  /** Summed durations, ns. */
  durA: number;
  durB: number;
}

function pathKeys(t: Trace): Map<string, { path: string[]; count: number; dur: number }> {
  const keys: string[] = new Array(t.spans.length);
  const out = new Map<string, { path: string[]; count: number; dur: number }>();
  for (const s of t.spans) {
    const own = `${s.service}: ${s.name}`;
    // DFS order: a parent's key is known before its children.
    const key = s.parent >= 0 ? `${keys[s.parent]}\u0000${own}` : own;
    keys[s.index] = key;
    const e = out.get(key);
    if (e) {
      e.count++;
      e.dur += s.duration;
    } else out.set(key, { path: key.split('\u0000'), count: 1, dur: s.duration });
  }
  return out;
}

/** The union of both trees in tree order: A's order, with paths only in B after their siblings. */
export function compareTraces(a: Trace, b: Trace): CompareRow[] {
  const pa = pathKeys(a);
  const pb = pathKeys(b);
  // Map iteration is insertion (DFS) order: the first appearance ranks a path among its siblings.
  const rank = new Map<string, number>();
  for (const k of [...pa.keys(), ...pb.keys()]) if (!rank.has(k)) rank.set(k, rank.size);
  const prefixes = (k: string) => {
    const parts = k.split('\u0000');
    return parts.map((_, i) => rank.get(parts.slice(0, i + 1).join('\u0000')) ?? 0);
  };
  const order = new Map([...rank.keys()].map((k) => [k, prefixes(k)]));
  const keys = [...rank.keys()].sort((x, y) => {
    const xs = order.get(x)!;
    const ys = order.get(y)!;
    for (let i = 0; i < Math.min(xs.length, ys.length); i++) if (xs[i] !== ys[i]) return xs[i] - ys[i];
    return xs.length - ys.length;
  });
  return keys.map((k) => {
    const x = pa.get(k);
    const y = pb.get(k);
    const path = (x ?? y)!.path;
    return {
      path,
      depth: path.length - 1,
      countA: x?.count ?? 0,
      countB: y?.count ?? 0,
      durA: x?.dur ?? 0,
      durB: y?.dur ?? 0,
    };
  });
}
