// The version of the service's own package, for `service.version` when nothing configures it.
// `npm_package_version` exists only under `npm start`/`npm run`; a service started as
// `node server.js` (containers, systemd, process managers) has only its package.json on disk.
import { readFileSync } from 'node:fs';
import { dirname, join, parse, sep } from 'node:path';

export type ReadText = (path: string) => string | undefined;

const readText: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * The `version` of the package.json nearest to the entry script, else nearest to the working
 * directory. An entry script inside node_modules belongs to a tool (`npx next start`), not to the
 * service, so only the working directory counts then.
 */
export function servicePackageVersion(
  entryScript: string | undefined,
  cwd: string,
  read: ReadText = readText,
): string | undefined {
  const starts = [cwd];
  if (entryScript && !entryScript.split(sep).includes('node_modules')) starts.unshift(dirname(entryScript));
  for (const start of starts) {
    const version = nearestVersion(start, read);
    if (version !== undefined) return version;
  }
  return undefined;
}

/** Walks up from `dir` to the first package.json; its version (or none: a workspace root has none). */
function nearestVersion(dir: string, read: ReadText): string | undefined {
  const { root } = parse(dir);
  for (let current = dir; ; current = dirname(current)) {
    const text = read(join(current, 'package.json'));
    if (text !== undefined) return versionOf(text);
    if (current === root) return undefined;
  }
}

function versionOf(packageJson: string): string | undefined {
  try {
    const { version } = JSON.parse(packageJson) as { version?: unknown };
    return typeof version === 'string' && version !== '' ? version : undefined;
  } catch {
    return undefined;
  }
}
