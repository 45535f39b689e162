import type { ValueType } from '../ast';

export interface Signature {
  args: ValueType[];
  /** How many trailing arguments may be left out. */
  optional?: number;
  /** The last argument repeats. */
  variadic?: boolean;
  returns: ValueType;
}

const v = 'vector' as const;
const m = 'matrix' as const;
const s = 'scalar' as const;
const str = 'string' as const;

const math = (names: string[]): Record<string, Signature> =>
  Object.fromEntries(names.map((n) => [n, { args: [v], returns: v }]));
const overTime = (names: string[]): Record<string, Signature> =>
  Object.fromEntries(names.map((n) => [`${n}_over_time`, { args: [m], returns: v }]));
const calendar = (names: string[]): Record<string, Signature> =>
  Object.fromEntries(names.map((n) => [n, { args: [v], optional: 1, returns: v }]));

/** The functions the engine evaluates, with Prometheus's argument types. Others are refused by name. */
export const FUNCTIONS: Record<string, Signature> = {
  ...math([
    'abs',
    'ceil',
    'floor',
    'exp',
    'ln',
    'log2',
    'log10',
    'sqrt',
    'sgn',
    'acos',
    'acosh',
    'asin',
    'asinh',
    'atan',
    'atanh',
    'cos',
    'cosh',
    'sin',
    'sinh',
    'tan',
    'tanh',
    'deg',
    'rad',
    'timestamp',
    'sort',
    'sort_desc',
  ]),
  ...overTime(['avg', 'count', 'sum', 'min', 'max', 'last', 'stddev', 'stdvar', 'present', 'absent']),
  ...calendar(['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year']),
  absent: { args: [v], returns: v },
  rate: { args: [m], returns: v },
  irate: { args: [m], returns: v },
  increase: { args: [m], returns: v },
  delta: { args: [m], returns: v },
  idelta: { args: [m], returns: v },
  deriv: { args: [m], returns: v },
  changes: { args: [m], returns: v },
  resets: { args: [m], returns: v },
  predict_linear: { args: [m, s], returns: v },
  quantile_over_time: { args: [s, m], returns: v },
  histogram_quantile: { args: [s, v], returns: v },
  clamp: { args: [v, s, s], returns: v },
  clamp_min: { args: [v, s], returns: v },
  clamp_max: { args: [v, s], returns: v },
  round: { args: [v, s], optional: 1, returns: v },
  label_replace: { args: [v, str, str, str, str], returns: v },
  label_join: { args: [v, str, str, str], variadic: true, optional: 1, returns: v },
  scalar: { args: [v], returns: s },
  vector: { args: [s], returns: v },
  time: { args: [], returns: s },
  pi: { args: [], returns: s },
};
