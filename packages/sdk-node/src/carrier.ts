// Message metadata comes as plain objects (Pub/Sub attributes, Redis stream fields, HTTP-ish
// header records) or as header classes with get/set (NATS `headers()`, the Fetch `Headers`).
import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

export interface HeaderMap {
  get(key: string): string | null | undefined;
  set(key: string, value: string): void;
  keys(): Iterable<string>;
}

export type StringCarrier = Record<string, string | undefined> | HeaderMap;

function isHeaderMap(carrier: StringCarrier): carrier is HeaderMap {
  return typeof (carrier as HeaderMap).get === 'function' && typeof (carrier as HeaderMap).set === 'function';
}

export const carrierSetter: TextMapSetter<StringCarrier> = {
  set(carrier, key, value) {
    if (isHeaderMap(carrier)) carrier.set(key, value);
    else carrier[key] = value;
  },
};

export const carrierGetter: TextMapGetter<StringCarrier> = {
  get(carrier, key) {
    if (isHeaderMap(carrier)) return carrier.get(key) ?? undefined;
    // Header names are case-insensitive in HTTP and NATS; producers may have capitalised them.
    const exact = carrier[key];
    if (exact !== undefined) return exact;
    const lower = key.toLowerCase();
    for (const candidate of Object.keys(carrier)) {
      if (candidate.toLowerCase() === lower) return carrier[candidate];
    }
    return undefined;
  },
  keys(carrier) {
    return isHeaderMap(carrier) ? [...carrier.keys()] : Object.keys(carrier);
  },
};
