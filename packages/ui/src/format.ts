// Formatting helpers: durations, times, numbers.

export function fmtDurNs(ns: number): string {
  if (!Number.isFinite(ns)) return '-';
  const a = Math.abs(ns);
  if (a < 1e3) return `${ns.toFixed(0)}ns`;
  if (a < 1e6) return `${(ns / 1e3).toFixed(a < 1e4 ? 2 : 1)}µs`;
  if (a < 1e9) return `${(ns / 1e6).toFixed(a < 1e7 ? 2 : 1)}ms`;
  if (a < 60e9) return `${(ns / 1e9).toFixed(2)}s`;
  return `${(ns / 60e9).toFixed(1)}min`;
}

export function fmtSec(s: number): string {
  return fmtDurNs(s * 1e9);
}

/** ns decimal string -> ms number (precision loss below 1µs is fine for display). */
export function nsToMs(ns: string | number): number {
  return Number(ns) / 1e6;
}

export function fmtTime(ms: number, withDate = false): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const t = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${t}` : t;
}

export function fmtNum(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '-';
  if (Math.abs(n) >= 1000) return n.toFixed(0);
  return Number(n.toFixed(digits)).toString();
}

export function fmtPct(r: number): string {
  return `${(r * 100).toFixed(r < 0.1 ? 2 : 1)}%`;
}

export const SEVERITIES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export function severityClass(n: number): string {
  if (n >= 21) return 'fatal';
  if (n >= 17) return 'error';
  if (n >= 13) return 'warn';
  if (n >= 9) return 'info';
  if (n >= 5) return 'debug';
  return 'trace';
}
export const SEVERITY_MIN: Record<string, number> = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

/** Relative time ranges in the URL ("1h") or absolute Unix seconds. */
export function timeRange(params: URLSearchParams): { start: number; end: number; label: string } {
  const now = Math.floor(Date.now() / 1000);
  const s = params.get('start');
  const e = params.get('end');
  if (s && e && /^\d+$/.test(s) && /^\d+$/.test(e)) return { start: Number(s), end: Number(e), label: 'custom' };
  const since = params.get('since') ?? '1h';
  const m = /^(\d+)([mhd])$/.exec(since);
  const secs = m ? Number(m[1]) * { m: 60, h: 3600, d: 86400 }[m[2] as 'm' | 'h' | 'd'] : 3600;
  return { start: now - secs, end: now + 60, label: since };
}
