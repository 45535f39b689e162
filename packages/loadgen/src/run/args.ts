import {
  type LoadgenOptions,
  LoadgenOptionsError,
  type LoadgenSignal,
  PROTOCOLS,
  resolveOptions,
  SIGNALS,
} from './options';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A duration with units, as everywhere in tracehouse: `60s`, `250ms`, `5m`, `1h30m`. A bare
 * number is refused: `tracehouse start` reads one as milliseconds, a user of a load
 * generator would likely mean seconds, and guessing wrong is a run of the wrong length.
 */
export function parseDurationMs(text: string): number | null {
  const t = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(t)) return null;
  let ms = 0;
  for (const [, n, unit] of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) ms += Number(n) * UNIT_MS[unit];
  return ms;
}

type Setter = (o: LoadgenOptions, value: string, flag: string) => void;

function fail(flag: string, value: string, expected: string): never {
  throw new LoadgenOptionsError(`${flag}: expected ${expected}, got '${value}'`);
}

function number(flag: string, value: string, opts: { int?: boolean; min?: number; max?: number } = {}): number {
  const n = Number(value);
  const expected = `${opts.int ? 'a whole number' : 'a number'}${
    opts.min !== undefined ? (opts.max !== undefined ? ` from ${opts.min} to ${opts.max}` : ` >= ${opts.min}`) : ''
  }`;
  if (value.trim() === '' || !Number.isFinite(n)) fail(flag, value, expected);
  if (opts.int && !Number.isInteger(n)) fail(flag, value, expected);
  if (opts.min !== undefined && n < opts.min) fail(flag, value, expected);
  if (opts.max !== undefined && n > opts.max) fail(flag, value, expected);
  return n;
}

const fraction = (flag: string, v: string): number => number(flag, v, { min: 0, max: 1 });

const VALUE_FLAGS: Record<string, Setter> = {
  '--endpoint': (o, v) => {
    o.endpoint = v;
  },
  '--protocol': (o, v, f) => {
    if (!PROTOCOLS.includes(v as never)) fail(f, v, PROTOCOLS.join(' | '));
    o.protocol = v as LoadgenOptions['protocol'];
  },
  '--rate': (o, v, f) => {
    o.rate = number(f, v, { min: 0 });
  },
  '--duration': (o, v, f) => {
    const ms = parseDurationMs(v);
    if (ms === null || ms <= 0) fail(f, v, 'a duration with a unit, like 60s, 500ms, 5m');
    o.durationMs = ms;
  },
  '--traces': (o, v, f) => {
    o.traces = number(f, v, { int: true, min: 1 });
  },
  '--concurrency': (o, v, f) => {
    o.concurrency = number(f, v, { int: true, min: 1 });
  },
  '--batch': (o, v, f) => {
    o.batch = number(f, v, { int: true, min: 1 });
  },
  '--split-traces': (o, v, f) => {
    o.splitTraces = number(f, v, { int: true, min: 1 });
  },
  '--error-fraction': (o, v, f) => {
    o.errorFraction = fraction(f, v);
  },
  '--slow-fraction': (o, v, f) => {
    o.slowFraction = fraction(f, v);
  },
  '--big-trace-fraction': (o, v, f) => {
    o.bigTraceFraction = fraction(f, v);
  },
  '--users': (o, v, f) => {
    o.users = number(f, v, { int: true, min: 1 });
  },
  '--logs-per-span': (o, v, f) => {
    o.logsPerSpan = number(f, v, { min: 0 });
  },
  '--fanout': (o, v, f) => {
    const n = number(f, v);
    if (n <= 0) fail(f, v, 'a number > 0');
    o.fanout = n;
  },
  '--seed': (o, v, f) => {
    if (v.trim() === '') fail(f, v, 'a number or a word');
    o.seed = /^\d+$/.test(v) ? Number(v) : v;
  },
  '--header': (o, v, f) => {
    const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(v);
    if (!m) fail(f, v, "'Name=value', e.g. 'Authorization=Bearer token'");
    o.headers = { ...o.headers, [m[1]]: m[2] };
  },
  '--signals': (o, v, f) => {
    const list = v.split(',').map((s) => s.trim());
    for (const s of list) if (!SIGNALS.includes(s as LoadgenSignal)) fail(f, v, 'a list of traces, logs, metrics');
    o.signals = [...new Set(list)] as LoadgenSignal[];
  },
  '--timeout': (o, v, f) => {
    const ms = parseDurationMs(v);
    if (ms === null || ms <= 0) fail(f, v, 'a duration with a unit, like 10s');
    o.timeoutMs = ms;
  },
  '--max-retries': (o, v, f) => {
    o.maxRetries = number(f, v, { int: true, min: 0 });
  },
  '--metrics-interval': (o, v, f) => {
    const ms = parseDurationMs(v);
    if (ms === null || ms <= 0) fail(f, v, 'a duration with a unit, like 10s');
    o.metricsIntervalMs = ms;
  },
  '--environment': (o, v) => {
    o.environment = v;
  },
};

const BOOLEAN_FLAGS: Record<string, (o: LoadgenOptions) => void> = {
  '--gzip': (o) => {
    o.gzip = true;
  },
  '--json': (o) => {
    o.json = true;
  },
  '--metrics': (o) => {
    o.signals = [...new Set([...(o.signals ?? ['traces', 'logs']), 'metrics' as const])];
  },
  '--help': (o) => {
    o.help = true;
  },
  '-h': (o) => {
    o.help = true;
  },
};

/**
 * The arguments of `tracehouse loadgen` (after the command name). Accepts `--flag value`
 * and `--flag=value`; throws LoadgenOptionsError with a message for the user on anything
 * it cannot use, including combinations resolveOptions refuses.
 */
export function parseLoadgenArgs(argv: string[]): LoadgenOptions {
  const o: LoadgenOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const boolean = BOOLEAN_FLAGS[flag];
    if (boolean) {
      if (eq !== -1) throw new LoadgenOptionsError(`${flag} takes no value`);
      boolean(o);
      continue;
    }
    const setter = VALUE_FLAGS[flag];
    if (!setter) throw new LoadgenOptionsError(`unknown option '${arg}' (see --help)`);
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new LoadgenOptionsError(`${flag} needs a value`);
      value = argv[++i];
    }
    setter(o, value, flag);
  }
  if (!o.help) {
    // Also refuse what only makes sense together (a gRPC host:port with http/protobuf, ...)
    // now, rather than once the run has started.
    resolveOptions({ ...o, seed: o.seed ?? 0 });
  }
  return o;
}

export function loadgenUsage(): string {
  return `Usage: tracehouse loadgen [options]

Sends synthetic OTLP traffic of realistic shape (an online shop of 7 services, with
databases, a cache, a queue and third-party APIs) and prints what the server acknowledged.

Target
  --endpoint URL           OTLP/HTTP base URL (default http://127.0.0.1:4318),
                           or host:port for grpc (default 127.0.0.1:4317)
  --protocol P             http/protobuf (default) | http/json | grpc
  --gzip                   compress requests (gzip)
  --header 'Name=value'    extra header / gRPC metadata, repeatable
                           (e.g. --header 'Authorization=Bearer <token>')
  --signals LIST           traces,logs (default) | any of traces,logs,metrics
  --metrics                also send metrics (same as adding metrics to --signals)

Amount
  --rate N                 target spans per second, 0 = as fast as possible (default 1000)
  --duration D             how long to send, e.g. 60s, 5m (default 60s)
  --traces N               send exactly N traces instead
  --concurrency N          requests in flight (default 4)
  --batch N                spans (or log records) per request (default 500)
  --split-traces N         spread every trace over N requests (default 1: whole traces)
  --timeout D              per request attempt (default 10s)
  --max-retries N          retries on 429/502/503/504, RESOURCE_EXHAUSTED, UNAVAILABLE, ... (default 5)
  --metrics-interval D     metrics export interval (default 10s)

Workload
  --seed S                 same seed, same traces (default: random, printed)
  --error-fraction F       share of traces with an error (default 0.01)
  --slow-fraction F        share of traces with a 1.5-4 s span (default 0.01)
  --big-trace-fraction F   share of big traces, 300-3000 spans (default 0.002)
  --logs-per-span F        average log records per span (default 0.5)
  --users N                size of the user pool behind enduser.id (default 1000)
  --fanout F               multiplier on repeated calls (default 1)
  --environment NAME       deployment.environment.name (default production)

Output
  --json                   print the summary as JSON instead of text
  -h, --help               this text

The first line of the summary is
  loadgen: spans_sent=... spans_acknowledged=... spans_per_s=... requests=... p99_ms=... rejected=... failures=...
`;
}
