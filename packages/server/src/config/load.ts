import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { type Config, type ConfigKey, configKeys, envName, isConfigKey, parseValue } from './schema';

export interface ConfigSources {
  /** Path of a YAML file (nested maps or dotted keys). */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** `--set key=value` pairs, in order. */
  sets?: string[];
  /** Dedicated CLI flags (--port ...), already mapped to keys; same rank as --set. */
  flags?: Partial<Record<ConfigKey, unknown>>;
}

/** Flattens nested YAML maps into dotted keys. */
function flatten(obj: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    if (prefix) out[prefix] = obj;
    return out;
  }
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !isConfigKey(key)) flatten(v, key, out);
    else out[key] = v;
  }
  return out;
}

/** Precedence: --set (and flags) > environment > file > default. Unknown keys are errors. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const config: Record<string, unknown> = {};
  for (const [k, def] of Object.entries(configKeys)) config[k] = def.default;

  if (sources.file) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(sources.file, 'utf8'));
    } catch (err) {
      throw new Error(`config file ${sources.file}: ${(err as Error).message}`);
    }
    for (const [k, v] of Object.entries(flatten(doc ?? {}))) {
      if (!isConfigKey(k)) throw new Error(`config file ${sources.file}: unknown key "${k}"`);
      config[k] = parseValue(k, v);
    }
  }

  const env = sources.env ?? {};
  for (const k of Object.keys(configKeys) as ConfigKey[]) {
    const v = env[envName(k)];
    if (v !== undefined && v !== '') config[k] = parseValue(k, v);
  }

  for (const [k, v] of Object.entries(sources.flags ?? {})) {
    if (v !== undefined && isConfigKey(k)) config[k] = parseValue(k, v);
  }
  for (const pair of sources.sets ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--set expects key=value, got "${pair}"`);
    const k = pair.slice(0, eq).trim();
    if (!isConfigKey(k)) throw new Error(`--set: unknown config key "${k}"`);
    config[k] = parseValue(k, pair.slice(eq + 1));
  }
  return config as Config;
}
