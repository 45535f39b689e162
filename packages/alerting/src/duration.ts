/** Prometheus durations ('5m', '1h30m', '30d', '250ms'), as rule files and PromQL write them. */
import { durationMs } from '@tracehouse/promql';

const UNITS: Record<string, number> = {
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

/** '1h30m' -> 5_400_000 (ms), with the query engine's reading of durations. Throws on anything Prometheus would refuse. */
export function parsePromDuration(text: string): number {
  const s = text.trim();
  const ms = durationMs(s);
  if (ms === undefined)
    throw new Error(`invalid duration "${s}" (examples: 30s, 5m, 1h30m, 30d; units from largest to smallest)`);
  return ms;
}

/** 5_400_000 -> '1h30m': the largest units first, as Prometheus prints durations (but days are not folded into weeks). */
export function formatPromDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of Object.entries(UNITS)) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
