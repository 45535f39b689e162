import type { BinaryOp, VectorMatching } from './ast';
import { execution } from './errors';
import { dropName, type Labels, labelsKey, METRIC_NAME } from './labels';
import type { Sample } from './value';

const ARITHMETIC = new Set<BinaryOp>(['+', '-', '*', '/', '%', '^', 'atan2']);
const COMPARISON = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);

export const isComparison = (op: BinaryOp): boolean => COMPARISON.has(op);

/** Go's math.Pow where it differs from Math.pow (1^x and (-1)^±Inf are 1). */
function pow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY)) return 1;
  return x ** y;
}

/** One operation on two floats: [value, keep] (comparisons keep or filter). */
export function floatOp(op: BinaryOp, l: number, r: number): [number, boolean] {
  switch (op) {
    case '+':
      return [l + r, true];
    case '-':
      return [l - r, true];
    case '*':
      return [l * r, true];
    case '/':
      return [l / r, true];
    case '%':
      return [l % r, true];
    case '^':
      return [pow(l, r), true];
    case 'atan2':
      return [Math.atan2(l, r), true];
    case '==':
      return [l, l === r];
    case '!=':
      return [l, l !== r];
    case '>':
      return [l, l > r];
    case '<':
      return [l, l < r];
    case '>=':
      return [l, l >= r];
    case '<=':
      return [l, l <= r];
    default:
      throw execution(`operator "${op}" not allowed for scalar operations`);
  }
}

export function scalarOp(op: BinaryOp, l: number, r: number): number {
  const [v, keep] = floatOp(op, l, r);
  return COMPARISON.has(op) ? (keep ? 1 : 0) : v;
}

export function vectorScalarOp(
  op: BinaryOp,
  samples: Sample[],
  s: number,
  scalarOnLeft: boolean,
  returnBool: boolean,
): Sample[] {
  const out: Sample[] = [];
  const drop = ARITHMETIC.has(op) || returnBool;
  for (const sample of samples) {
    let [v, keep] = scalarOnLeft ? floatOp(op, s, sample.v) : floatOp(op, sample.v, s);
    // A comparison always yields the vector element's value, whichever side it is on.
    if (COMPARISON.has(op) && scalarOnLeft) v = sample.v;
    if (returnBool) {
      v = keep ? 1 : 0;
      keep = true;
    }
    if (keep) out.push({ labels: drop ? dropName(sample.labels) : sample.labels, v });
  }
  return out;
}

/** The matching key of a sample: `on` labels' values, or every label but `ignoring` ones and the name. */
function signature(labels: Labels, m: VectorMatching): string {
  if (m.on) {
    let k = '';
    for (const n of m.labels) k += `${labels[n] ?? ''}\xff`;
    return k;
  }
  let k = '';
  for (const n of Object.keys(labels).sort())
    if (n !== METRIC_NAME && !m.labels.includes(n)) k += `${n}\xff${labels[n]}\xfe`;
  return k;
}

function describe(labels: Labels): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`)
    .join(', ')}}`;
}

export function setOp(op: 'and' | 'or' | 'unless', lhs: Sample[], rhs: Sample[], m: VectorMatching): Sample[] {
  if (op === 'or') {
    const left = new Set(lhs.map((s) => signature(s.labels, m)));
    return [...lhs, ...rhs.filter((s) => !left.has(signature(s.labels, m)))];
  }
  const right = new Set(rhs.map((s) => signature(s.labels, m)));
  return lhs.filter((s) => right.has(signature(s.labels, m)) === (op === 'and'));
}

function resultLabels(many: Labels, one: Labels, op: BinaryOp, m: VectorMatching): Labels {
  const out: Record<string, string> = { ...many };
  if (ARITHMETIC.has(op)) delete out[METRIC_NAME];
  if (m.card === 'one-to-one') {
    for (const n of Object.keys(out)) if (m.on ? !m.labels.includes(n) : m.labels.includes(n)) delete out[n];
  }
  for (const n of m.include) {
    const v = one[n];
    if (v !== undefined && v !== '') out[n] = v;
    else delete out[n];
  }
  return out;
}

/** Vector-to-vector arithmetic and comparison with one-to-one, many-to-one or one-to-many matching. */
export function vectorOp(
  op: BinaryOp,
  lhsIn: Sample[],
  rhsIn: Sample[],
  m: VectorMatching,
  returnBool: boolean,
): Sample[] {
  const swapped = m.card === 'one-to-many';
  const [many, one] = swapped ? [rhsIn, lhsIn] : [lhsIn, rhsIn];
  const oneBySig = new Map<string, Sample>();
  for (const s of one) {
    const sig = signature(s.labels, m);
    const dup = oneBySig.get(sig);
    if (dup)
      throw execution(
        `found duplicate series for the match group ${describe(matchGroup(s.labels, m))} on the ${swapped ? 'left' : 'right'} hand-side of the operation: [${describe(dup.labels)}, ${describe(s.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    oneBySig.set(sig, s);
  }
  const matched = new Map<string, Set<string> | null>();
  const out: Sample[] = [];
  for (const s of many) {
    const sig = signature(s.labels, m);
    const o = oneBySig.get(sig);
    if (!o) continue;
    const [l, r] = swapped ? [o.v, s.v] : [s.v, o.v];
    let [v, keep] = floatOp(op, l, r);
    if (returnBool) {
      v = keep ? 1 : 0;
    } else if (!keep) continue;
    let labels = resultLabels(s.labels, o.labels, op, m);
    if (returnBool) labels = dropName(labels);
    const seen = matched.get(sig);
    if (m.card === 'one-to-one') {
      if (seen !== undefined)
        throw execution('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      matched.set(sig, null);
    } else {
      const key = labelsKey(labels);
      if (!seen) matched.set(sig, new Set([key]));
      else if (seen.has(key))
        throw execution('multiple matches for labels: grouping labels must ensure unique matches');
      else seen.add(key);
    }
    // A comparison keeps the left-hand side's value (the "many" side's value after a swap is
    // accounted for above).
    if (isComparison(op) && !returnBool) v = l;
    out.push({ labels, v });
  }
  return out;
}

function matchGroup(labels: Labels, m: VectorMatching): Labels {
  const out: Record<string, string> = {};
  for (const [n, v] of Object.entries(labels))
    if (m.on ? m.labels.includes(n) : !m.labels.includes(n) && n !== METRIC_NAME) out[n] = v;
  return out;
}
