// Readers for the OTEL_* environment variable formats. Pure: the environment is passed in.

export type Env = Readonly<Record<string, string | undefined>>;

/** A set, non-blank value, trimmed. Blank counts as unset, as in the OpenTelemetry spec. */
export function envString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function envBoolean(env: Env, name: string): boolean {
  return envString(env, name)?.toLowerCase() === 'true';
}

/** A finite, non-negative number, else undefined (so defaults apply instead of NaN). */
export function envNumber(env: Env, name: string): number | undefined {
  const raw = envString(env, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** `a, b,c` -> ['a', 'b', 'c']; empty items dropped. */
export function envList(env: Env, name: string): string[] {
  return (
    envString(env, name)
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean) ?? []
  );
}

/**
 * The W3C-baggage-like `key1=value1,key2=value2` format used by OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_EXPORTER_OTLP_HEADERS. Values are percent-decoded; malformed entries are skipped rather
 * than failing start-up, because a typo in telemetry config must not take a service down.
 */
export function parseKeyValueList(raw: string | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!raw) return result;
  for (const entry of raw.split(',')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const key = entry.slice(0, eq).trim();
    const value = entry.slice(eq + 1).trim();
    if (!key) continue;
    try {
      result[decodeURIComponent(key)] = decodeURIComponent(value);
    } catch {
      // Invalid percent-encoding: keep the raw text rather than dropping the entry.
      result[key] = value;
    }
  }
  return result;
}
