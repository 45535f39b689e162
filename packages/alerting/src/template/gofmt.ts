/**
 * Go's number formatting, as Prometheus's templates print values: `{{ $value }}` is Go's %v of a
 * float64 and humanize() uses %.4g, so `1e+06`, not JavaScript's `1000000`.
 */

/** strconv.FormatFloat(v, 'g', prec, 64); prec -1 = the shortest exact representation. */
export function formatG(v: number, prec = -1): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const shortest = prec < 0;
  const p = Math.max(prec, 1);
  // The significant digits (trailing zeros dropped) and the decimal exponent, as strconv has them.
  const [mantissa, e] = (shortest ? Math.abs(v).toExponential() : Math.abs(v).toExponential(p - 1)).split('e');
  const digits = mantissa!.replace('.', '').replace(/0+$/, '') || '0';
  const exp = Number(e);
  const dp = exp + 1;
  let eprec = p;
  if (eprec > digits.length && digits.length >= dp) eprec = digits.length;
  // Go decides %e against precision 6 for the shortest form (so 1e+06, 1.234567e+06).
  if (shortest) eprec = 6;
  const sign = v < 0 ? '-' : '';
  if (exp < -4 || exp >= eprec) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const abs = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
  }
  if (dp <= 0) return `${sign}0.${'0'.repeat(-dp)}${digits}`;
  if (dp >= digits.length) return `${sign}${digits}${'0'.repeat(dp - digits.length)}`;
  return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

/** The subset of fmt.Sprintf that templates use: %s %v %d %f %g %e %q %x %t %%, flags - + 0, width, precision. */
export function sprintf(format: string, args: unknown[]): string {
  let i = 0;
  return format.replace(/%([-+0 #]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (_m, flags: string, width, precision, verb) => {
    if (verb === '%') return '%';
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[i++];
    const prec = precision === undefined ? undefined : Number(precision);
    let out: string;
    switch (verb) {
      case 's':
      case 'v':
        out = goString(arg);
        if (verb === 's' && prec !== undefined) out = out.slice(0, prec);
        break;
      case 'q':
        out = JSON.stringify(goString(arg));
        break;
      case 'd':
        out = typeof arg === 'number' ? String(Math.trunc(arg)) : `%!d(${goString(arg)})`;
        break;
      case 'f':
      case 'F':
        out = typeof arg === 'number' ? fixed(arg, prec ?? 6) : `%!f(${goString(arg)})`;
        break;
      case 'e':
        out = typeof arg === 'number' ? expo(arg, prec ?? 6) : `%!e(${goString(arg)})`;
        break;
      case 'g':
        out = typeof arg === 'number' ? formatG(arg, prec ?? -1) : `%!g(${goString(arg)})`;
        break;
      case 'x':
        out = typeof arg === 'number' ? Math.trunc(arg).toString(16) : Buffer.from(goString(arg)).toString('hex');
        break;
      case 't':
        out = typeof arg === 'boolean' ? String(arg) : `%!t(${goString(arg)})`;
        break;
      default:
        out = `%!${verb}(${goString(arg)})`;
    }
    if (flags.includes('+') && typeof arg === 'number' && arg >= 0 && 'dfeg'.includes(verb)) out = `+${out}`;
    const w = width === undefined ? 0 : Number(width);
    if (out.length < w) {
      if (flags.includes('-')) out = out.padEnd(w);
      else if (flags.includes('0') && typeof arg === 'number') {
        const neg = out.startsWith('-') || out.startsWith('+');
        out = neg ? out[0] + out.slice(1).padStart(w - 1, '0') : out.padStart(w, '0');
      } else out = out.padStart(w);
    }
    return out;
  });
}

function fixed(v: number, prec: number): string {
  if (!Number.isFinite(v)) return formatG(v);
  return v.toFixed(Math.min(prec, 100));
}

function expo(v: number, prec: number): string {
  if (!Number.isFinite(v)) return formatG(v);
  const [m, e] = v.toExponential(Math.min(prec, 100)).split('e');
  const n = Math.abs(Number(e));
  return `${m}e${Number(e) < 0 ? '-' : '+'}${n < 10 ? `0${n}` : n}`;
}

/** How Go's fmt %v prints a template value. */
export function goString(v: unknown): string {
  if (v === null || v === undefined) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatG(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return goTime(v);
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.keys(v as object)
      .sort()
      .map((k) => `${k}:${goString((v as Record<string, unknown>)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(v);
}

/** time.Time.String() in UTC: '2006-01-02 15:04:05.999999999 +0000 UTC'. */
export function goTime(d: Date): string {
  const iso = d.toISOString();
  const ms = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms ? `.${ms}` : ''} +0000 UTC`;
}
