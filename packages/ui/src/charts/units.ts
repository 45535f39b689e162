// Value formats for chart axes, legends and tooltips. Axis ticks come from uPlot's 1-2-2.5-5
// increments, so they are round numbers in the unit shown ("20/s", "250ms", "1%").

export type Unit = 'perSecond' | 'seconds' | 'ratio' | 'bytes' | 'short';

const SI = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
] as const;

/** 3 significant digits at most, trailing zeros dropped, k/M/G above a thousand. */
export function fmtShort(v: number): string {
  if (!Number.isFinite(v)) return '-';
  if (v === 0) return '0';
  const a = Math.abs(v);
  for (const [f, s] of SI) if (a >= f) return `${Number((v / f).toPrecision(3))}${s}`;
  if (a >= 1) return String(Number(v.toPrecision(3)));
  return String(Number(v.toPrecision(2)));
}

/** Seconds in the largest unit that keeps the number >= 1; zero is "0", never "0ns". */
export function fmtSeconds(v: number): string {
  if (!Number.isFinite(v)) return '-';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 60) return `${Number((v / 60).toPrecision(3))}min`;
  if (a >= 1) return `${Number(v.toPrecision(3))}s`;
  if (a >= 1e-3) return `${Number((v * 1e3).toPrecision(3))}ms`;
  if (a >= 1e-6) return `${Number((v * 1e6).toPrecision(3))}µs`;
  return `${Number((v * 1e9).toPrecision(3))}ns`;
}

export function fmtBytes(v: number): string {
  if (!Number.isFinite(v)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = v;
  while (Math.abs(x) >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${Number(x.toPrecision(3))}${units[i]}`;
}

export function formatter(unit: Unit): (v: number) => string {
  switch (unit) {
    case 'perSecond':
      return (v) => `${fmtShort(v)}/s`;
    case 'seconds':
      return fmtSeconds;
    case 'ratio':
      return (v) => (v === 0 ? '0%' : `${Number((v * 100).toPrecision(3))}%`);
    case 'bytes':
      return fmtBytes;
    default:
      return fmtShort;
  }
}

/**
 * The y range drawn: from zero, with head room; a series that is all zeros (a service without
 * errors) gets a small range so its flat line sits on the axis instead of a 0-100% scale.
 */
export function yRange(unit: Unit, max: number | null): [number, number] {
  if (max === null || !(max > 0)) return [0, unit === 'ratio' ? 0.01 : unit === 'seconds' ? 0.001 : 1];
  if (unit === 'ratio') return [0, Math.min(1, max * 1.15)];
  return [0, max * 1.15];
}

/**
 * The unit a chart is drawn and labelled in: a ratio whose values go above 1 is not a fraction
 * (OpenTelemetry's unit "1" is any dimensionless number), so it is a plain number, not a
 * 0-100% axis with its data off the top.
 */
export function drawnUnit(unit: Unit, max: number | null): Unit {
  return unit === 'ratio' && max !== null && max > 1 ? 'short' : unit;
}

/** The unit of an OpenTelemetry / Prometheus metric, from its unit string or name suffix. */
export function unitOf(metric: string, unit = ''): Unit {
  const u = unit.toLowerCase();
  // traces_spanmetrics_latency is Tempo's name: seconds without the suffix.
  if (u === 's' || u === 'seconds' || /_seconds(_|$)|^traces_spanmetrics_latency/.test(metric)) return 'seconds';
  if (u === 'by' || u === 'bytes' || /_bytes(_|$)/.test(metric)) return 'bytes';
  if (u === '1' || u === 'ratio' || /_ratio$/.test(metric)) return 'ratio';
  return 'short';
}
