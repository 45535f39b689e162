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

/** The union of both trees, in tree order (A's order first, then B-only paths). */
export function compareTraces(a: Trace, b: Trace): CompareRow[] {
  const pa = pathKeys(a);
  const pb = pathKeys(b);
  const keys = [...new Set([...pa.keys(), ...pb.keys()])].sort((x, y) => {
    const xs = x.split('\u0000');
    const ys = y.split('\u0000');
    for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
      if (xs[i] !== ys[i]) return xs[i] < ys[i] ? -1 : 1;
    }
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
