import { parsePromDuration } from '../duration';
import { filterMatchers, type SpanMetricDimension } from './filter';
import type { SloDef } from './model';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.:-]{0,127}$/;
const KEYS = new Set(['name', 'service', 'spanName', 'filter', 'objective', 'window', 'latencyThreshold']);

export interface SloParseOptions {
  dimensions: readonly SpanMetricDimension[];
  /** Latency bucket bounds of the span metrics (seconds): a latency threshold must be one. */
  latencyBoundsSeconds: readonly number[];
}

/** Durations in SLO config: Prometheus style ('30d') or ms numbers. */
function durationMs(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  if (typeof v !== 'string') throw new Error(`${what} must be a duration like 30d or 500ms`);
  const ms = parsePromDuration(v);
  if (ms <= 0) throw new Error(`${what} must be positive`);
  return ms;
}

/**
 * Validates the `slos` list (already parsed from YAML or JSON). Errors name the SLO by
 * position and name and say what is wrong; nothing is half-accepted.
 */
export function parseSlos(input: unknown, options: SloParseOptions): SloDef[] {
  if (input === undefined || input === null || input === '') return [];
  const list = typeof input === 'string' ? JSON.parse(input) : input;
  if (!Array.isArray(list)) throw new Error('slos must be a list of { name, service, objective, window, ... }');
  const names = new Set<string>();
  return list.map((raw, i) => {
    const where = `slos[${i}]${raw && typeof raw === 'object' && 'name' in raw ? ` (${String(raw.name)})` : ''}`;
    try {
      return parseSlo(raw, names, options);
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`);
    }
  });
}

function parseSlo(raw: unknown, names: Set<string>, options: SloParseOptions): SloDef {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('expected a map');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!KEYS.has(k)) throw new Error(`unknown key "${k}" (allowed: ${[...KEYS].join(', ')})`);
  const name = String(o.name ?? '');
  if (!NAME.test(name)) throw new Error('name is required: letters, digits, _ . : - (at most 128)');
  if (names.has(name)) throw new Error(`name "${name}" is used twice`);
  names.add(name);
  const service = String(o.service ?? '');
  if (service === '' || typeof o.service !== 'string') throw new Error('service is required');
  if (o.spanName !== undefined && o.filter !== undefined) throw new Error('give spanName or filter, not both');
  if (o.spanName !== undefined && (typeof o.spanName !== 'string' || o.spanName === ''))
    throw new Error('spanName must be a non-empty string');
  if (o.filter !== undefined) {
    if (typeof o.filter !== 'string') throw new Error('filter must be a TraceQL span filter like { name = "GET /" }');
    filterMatchers(o.filter, options.dimensions);
  }
  const objective = Number(o.objective);
  if (o.objective === undefined || !Number.isFinite(objective) || objective <= 0 || objective >= 100)
    throw new Error('objective must be a percentage between 0 and 100 (exclusive), e.g. 99.9');
  const windowMs = durationMs(o.window ?? '30d', 'window');
  if (windowMs < 3 * 86_400_000)
    throw new Error('window must be at least 3d (the slowest burn-rate alert looks back 3 days)');
  const slo: SloDef = { name, service, objective, windowMs };
  if (o.spanName !== undefined) slo.spanName = o.spanName as string;
  if (o.filter !== undefined) slo.filter = o.filter as string;
  if (o.latencyThreshold !== undefined) {
    const ms = durationMs(o.latencyThreshold, 'latencyThreshold');
    const bound = options.latencyBoundsSeconds.find((b) => Math.abs(b * 1000 - ms) < 1e-6);
    if (bound === undefined)
      throw new Error(
        `latencyThreshold ${o.latencyThreshold} is not a latency bucket bound of the span metrics; use one of ${options.latencyBoundsSeconds.map((b) => `${b * 1000}ms`).join(', ')}`,
      );
    slo.latencyThresholdMs = ms;
  }
  return slo;
}
