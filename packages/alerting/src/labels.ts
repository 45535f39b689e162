/** A label set: name -> value. Label sets are compared by their sorted pairs. */
export type Labels = Record<string, string>;

/** A stable identity of a label set (sorted pairs), used to key alerts and series. */
export function labelsKey(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

/** Prometheus's order for label sets: by sorted names and values. */
export function sortedLabels(labels: Labels): Labels {
  const out: Labels = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k]!;
  return out;
}

/** 64-bit FNV-1a of the label key, as 16 hex digits: what Alertmanager-style payloads and the store call a fingerprint. */
export function fingerprint(labels: Labels): string {
  let h = 0xcbf29ce484222325n;
  const key = labelsKey(labels);
  for (let i = 0; i < key.length; i++) {
    h ^= BigInt(key.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

export const METRIC_NAME = '__name__';

/** A legal Prometheus label name. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** A legal Prometheus metric name (recording rules may use colons). */
export const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
