import { readFileSync } from 'node:fs';
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
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

/** Where a key of a config file is set, and where each item of a list value starts (1-based lines). */
interface Origin {
  file: string;
  line: number;
  items: number[];
}

/** The keys each config came from a file with, so later validation (SLOs) can name the line. */
const origins = new WeakMap<Config, Map<string, Origin>>();

/** "config file F, line L" for a key (or one item of a list key) set in a config file; undefined otherwise. */
export function configOrigin(config: Config, key: ConfigKey, item?: number): string | undefined {
  const o = origins.get(config)?.get(key);
  if (!o) return undefined;
  return `config file ${o.file}, line ${(item !== undefined ? o.items[item] : undefined) ?? o.line}`;
}

/** Flattens nested YAML maps into dotted keys, with the line each is set on. */
function flatten(
  node: unknown,
  doc: Document,
  lines: LineCounter,
  file: string,
  prefix = '',
  out = new Map<string, { value: unknown; origin: Origin }>(),
): Map<string, { value: unknown; origin: Origin }> {
  if (!isMap(node)) return out;
  for (const pair of node.items) {
    const keyNode = pair.key as Node | null;
    const k = String(isScalar(keyNode) ? keyNode.value : keyNode);
    const key = prefix ? `${prefix}.${k}` : k;
    const value = pair.value as Node | null;
    if (isMap(value) && !isConfigKey(key)) {
      flatten(value, doc, lines, file, key, out);
      continue;
    }
    const lineOf = (n: Node | null | undefined) => (n?.range ? lines.linePos(n.range[0]).line : 0);
    out.set(key, {
      value: value ? value.toJS(doc) : null,
      origin: {
        file,
        line: lineOf(keyNode),
        items: isSeq(value) ? value.items.map((item) => lineOf(item as Node)) : [],
      },
    });
  }
  return out;
}

/** Precedence: --set (and flags) > environment > file > default. Unknown keys are errors. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const config: Record<string, unknown> = {};
  for (const [k, def] of Object.entries(configKeys)) config[k] = def.default;

  const fromFile = new Map<string, Origin>();
  if (sources.file) {
    const lines = new LineCounter();
    let doc: Document;
    try {
      doc = parseDocument(readFileSync(sources.file, 'utf8'), { lineCounter: lines });
    } catch (err) {
      throw new Error(`config file ${sources.file}: ${(err as Error).message}`);
    }
    if (doc.errors.length > 0) throw new Error(`config file ${sources.file}: ${doc.errors[0]!.message}`);
    for (const [k, { value, origin }] of flatten(doc.contents, doc, lines, sources.file)) {
      const at = `config file ${sources.file}, line ${origin.line}`;
      if (!isConfigKey(k)) throw new Error(`${at}: unknown key "${k}"`);
      try {
        config[k] = parseValue(k, value);
      } catch (err) {
        throw new Error(`${at}: ${(err as Error).message}`);
      }
      fromFile.set(k, origin);
    }
  }

  const env = sources.env ?? {};
  for (const k of Object.keys(configKeys) as ConfigKey[]) {
    const v = env[envName(k)];
    if (v !== undefined && v !== '') {
      config[k] = parseValue(k, v);
      fromFile.delete(k);
    }
  }

  for (const [k, v] of Object.entries(sources.flags ?? {})) {
    if (v !== undefined && isConfigKey(k)) {
      config[k] = parseValue(k, v);
      fromFile.delete(k);
    }
  }
  for (const pair of sources.sets ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--set expects key=value, got "${pair}"`);
    const k = pair.slice(0, eq).trim();
    if (!isConfigKey(k)) throw new Error(`--set: unknown config key "${k}"`);
    config[k] = parseValue(k, pair.slice(eq + 1));
    fromFile.delete(k);
  }
  origins.set(config as Config, fromFile);
  return config as Config;
}
