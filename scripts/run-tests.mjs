// Runs the node:test suites of one level (unit | integration | e2e | interop) across all packages.
// Node 20's --test does not discover .ts files by itself, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const level = process.argv[2] ?? 'unit';
const roots = ['packages', 'examples'];
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.test.ts') && p.includes(`/test/${level}/`)) files.push(p);
  }
}
for (const r of roots) {
  try {
    walk(r);
  } catch {}
}
files.sort();
if (files.length === 0) {
  console.log(`no ${level} tests found`);
  process.exit(0);
}
const concurrency = level === 'unit' ? 2 : 1;
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...process.argv.slice(3), ...files],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
