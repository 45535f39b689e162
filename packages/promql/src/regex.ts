import { RE2JS } from 're2js';

const cache = new Map<string, RE2JS>();
const CACHE_MAX = 1000;

/**
 * A label regex as Prometheus compiles it: RE2 syntax, fully anchored, `.` matching newlines.
 * RE2 (not JavaScript's engine) so that what matches here matches in ClickHouse's `match()`
 * and in Prometheus, in linear time whatever the pattern.
 */
export function anchoredRegex(re: string): RE2JS {
  let r = cache.get(re);
  if (!r) {
    r = RE2JS.compile(anchoredPattern(re));
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(re, r);
  }
  return r;
}

/** The pattern with Prometheus's anchoring, for an RE2 engine (ClickHouse `match()`). */
export const anchoredPattern = (re: string): string => `^(?s:${re})$`;
