import type { Column } from '../schema/columns';

/** SELECT list that reads each column back in the record's representation. */
export function selectList(columns: readonly Column[]): string {
  return columns.map((c) => (c.read ? `${c.read} AS \`${c.name}\`` : `\`${c.name}\``)).join(', ');
}

const FLOAT_WORDS: Record<string, number> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
};

function toFloat(v: unknown): unknown {
  if (typeof v === 'string') return FLOAT_WORDS[v] ?? Number(v);
  return v;
}

/** Restores non-finite floats, which the client reads as quoted 'nan'/'inf', into numbers. */
export function rowFixer(columns: readonly Column[]): (row: Record<string, unknown>) => void {
  const floats = columns.filter((c) => c.kind === 'float' || c.kind === 'nullableFloat').map((c) => c.name);
  const floatArrays = columns.filter((c) => c.kind === 'array:float').map((c) => c.name);
  return (row) => {
    for (const f of floats) row[f] = toFloat(row[f]);
    for (const f of floatArrays) row[f] = (row[f] as unknown[]).map(toFloat);
  };
}
