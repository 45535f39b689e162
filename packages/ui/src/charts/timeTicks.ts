// Round time ticks for charts not drawn by uPlot (the logs histogram), with the labels uPlot
// charts use, so every time axis of the UI reads the same way at any range.

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;
/** Tick spacings (seconds), as a person counts time: never 25.5 s or 3.7 h. */
const INCREMENTS = [
  1,
  2,
  5,
  10,
  15,
  30,
  MIN,
  2 * MIN,
  5 * MIN,
  10 * MIN,
  15 * MIN,
  30 * MIN,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
];

/** Seconds east of UTC at t (local time: ticks fall on local hours and midnights). */
function offsetAt(t: number): number {
  return -new Date(t * 1000).getTimezoneOffset() * 60;
}

/**
 * Ticks (Unix seconds) inside [start, end]: the smallest round spacing that gives at most
 * `maxTicks`, on multiples of it in local time (hours on the hour, days at midnight).
 */
export function timeTicks(start: number, end: number, maxTicks: number): { ticks: number[]; spacing: number } {
  const span = Math.max(1, end - start);
  const spacing = INCREMENTS.find((i) => span / i <= Math.max(1, maxTicks)) ?? INCREMENTS[INCREMENTS.length - 1];
  const ticks: number[] = [];
  const off = offsetAt(start);
  let t = Math.ceil((start + off) / spacing) * spacing - off;
  for (; t <= end && ticks.length <= maxTicks; t += spacing) {
    // A daylight-saving change moves local midnight: realign each day tick to it.
    const drift = spacing >= HOUR ? offsetAt(t) - off : 0;
    ticks.push(t - drift);
  }
  return { ticks, spacing };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** One line per tick: seconds only on short ranges, the date only on long ones. */
export function timeTick(t: number, span: number, spacing = 0): string {
  const d = new Date(t * 1000);
  const date = `${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  if (spacing >= DAY) return date;
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  if (span <= 600) return `${hm}:${pad2(d.getSeconds())}`;
  if (span <= 2 * DAY) return hm;
  return `${date} ${hm}`;
}
