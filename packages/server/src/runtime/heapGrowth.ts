import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the JS heap grow past what the last full GC left alive, in percent. V8's
 * own factor (up to 4x) let a server whose live heap is ~100-150 MB swing to 500-600 MB
 * between full GCs at 60,000 spans/s; at 1.5x the swing is ~250 MB and the process's peak
 * resident set ~300 MB lower, for a few more full GCs (each ~10-20 ms of the main thread;
 * docs/performance.md, session 19).
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Sets V8's heap growing factor for `tracehouse start`, unless the operator chose one
 * (`node --heap-growing-percent=N` or NODE_OPTIONS). V8 reads the flag at every full GC, so
 * setting it at start takes effect. Returns whether it was set.
 */
export function limitHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
): boolean {
  const chosen = [...execArgv, nodeOptions].some((a) => /heap[-_]growing[-_]percent/.test(a));
  if (chosen) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
