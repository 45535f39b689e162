import { badData } from './errors';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

// Prometheus's duration syntax: units in descending order, each at most once (1h30m, 5m, 250ms).
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];

/** `1h30m` -> ms; undefined when not a Prometheus duration. */
export function durationMs(text: string): number | undefined {
  if (text === '' || text === '0') return text === '0' ? 0 : undefined;
  const m = DURATION.exec(text);
  if (!m) return undefined;
  let ms = 0;
  ORDER.forEach((u, i) => {
    if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * UNIT_MS[u]!;
  });
  return ms;
}

/** A duration or a number of seconds (`5m`, `300`, `0.5`), as Prometheus accepts `step` and `timeout`. */
export function parseDurationParam(text: string, what: string): number {
  const n = Number(text);
  if (text.trim() !== '' && Number.isFinite(n)) {
    const ms = Math.round(n * 1000);
    if (Math.abs(ms) > Number.MAX_SAFE_INTEGER) throw badData(`invalid parameter "${what}": duration out of range`);
    return ms;
  }
  const ms = durationMs(text);
  if (ms === undefined) throw badData(`invalid parameter "${what}": cannot parse "${text}" to a valid duration`);
  return ms;
}

/** RFC 3339 or Unix seconds (float), as Prometheus parses `time`, `start` and `end`; ms. */
export function parseTimeParam(text: string, what: string): number {
  const n = Number(text);
  if (text.trim() !== '' && Number.isFinite(n)) return Math.round(n * 1000);
  // Prometheus's own min/max time sentinels, sent by some clients for "unbounded".
  if (text === '0001-01-01T00:00:00Z') return -62135596800000;
  if (text === '9999-12-31T23:59:59Z') return 253402300799000;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  throw badData(`invalid parameter "${what}": cannot parse "${text}" to a valid timestamp`);
}
