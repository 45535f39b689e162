/** Prometheus durations ('5m', '1h30m', '30d', '250ms'), as rule files and PromQL write them. */

const UNITS: Record<string, number> = {
  y: 365 * 86_400_000,
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

const PART = /(\d+)(ms|y|w|d|h|m|s)/y;

/** '1h30m' -> 5_400_000 (ms). Throws on anything Prometheus would refuse (units in descending order, no decimals). */
export function parsePromDuration(text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  if (s === '') throw new Error('empty duration');
  let total = 0;
  let pos = 0;
  let lastUnit = Number.POSITIVE_INFINITY;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) throw new Error(`invalid duration "${s}" (examples: 30s, 5m, 1h30m, 30d)`);
    const unit = UNITS[m[2]!]!;
    if (unit >= lastUnit) throw new Error(`invalid duration "${s}": units must go from largest to smallest`);
    lastUnit = unit;
    total += Number(m[1]) * unit;
    pos = PART.lastIndex;
  }
  return total;
}

/** 5_400_000 -> '1h30m': the largest units first, as Prometheus prints durations (but days are not folded into weeks). */
export function formatPromDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of Object.entries(UNITS)) {
    if (unit === 'y' || unit === 'w') continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
