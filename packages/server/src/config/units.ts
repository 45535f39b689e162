/** Parsers for the human units used in configuration: durations and byte sizes. */

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** '250ms', '5s', '1h30m', '14d' or a bare number of milliseconds -> milliseconds. */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return input;
  const s = String(input).trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new Error(`invalid duration "${s}" (examples: 250ms, 5s, 1h30m, 14d)`);
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  if (s.length === 0) throw new Error('empty duration');
  return total;
}

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** '16MiB', '512kb', '1GB' or a bare number of bytes -> bytes. */
export function parseBytes(input: string | number): number {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return Math.floor(input);
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(String(input).trim());
  const unit = BYTE_UNITS[(m?.[2] || 'b').toLowerCase()];
  if (!m || unit === undefined) throw new Error(`invalid size "${input}" (examples: 16MiB, 512KiB, 1GB)`);
  return Math.floor(Number(m[1]) * unit);
}
