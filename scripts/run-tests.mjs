// Runs the node:test suites of one level (unit | integration | e2e | interop) across all packages.
// Node 20's --test does not discover .ts files by itself, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

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
// Unit tests must be deterministic and get no second run. The other levels drive real processes
// (chDB, Chromium, Prometheus, the Collector, other runtimes) on a shared 2-core machine, where a
// timing-bound test can lose a race it would win on a quiet one; like Playwright's CI retries, a
// file that fails is run once more on its own and, if it then passes, is reported as flaky
// (the run stays green, the report names it). A file that fails twice fails the run.
const retries = level === 'unit' ? 0 : 1;
// Arguments after the level go to node --test; a --test-reporter among them replaces the default.
const extra = process.argv.slice(3);
const asked = extra.find((arg) => arg.startsWith('--test-reporter='));
const reporter = asked ? asked.slice('--test-reporter='.length) : process.stdout.isTTY ? 'spec' : 'tap';
const passThrough = extra.filter((arg) => !arg.startsWith('--test-reporter'));

/** Runs the files; the failed tests as [file, name] pairs, or null when the run passed. */
function run(list) {
  const failedLog = join(mkdtempSync(join(tmpdir(), 'tracehouse-tests-')), 'failed.tsv');
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      `--test-concurrency=${concurrency}`,
      `--test-reporter=${reporter}`,
      '--test-reporter-destination=stdout',
      `--test-reporter=${fileURLToPath(new URL('failed-files-reporter.mjs', import.meta.url))}`,
      `--test-reporter-destination=${failedLog}`,
      ...passThrough,
      ...list,
    ],
    { stdio: 'inherit' },
  );
  if (r.status === 0) return null;
  let failed = [];
  try {
    failed = readFileSync(failedLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t'))
      .map(([file, name]) => [relative(process.cwd(), file), name]);
  } catch {}
  rmSync(dirname(failedLog), { recursive: true, force: true });
  // A run that died without naming a failed test (a crash of the runner itself) is retried whole.
  return failed.length ? failed : list.map((file) => [file, '(the run exited with no failed test named)']);
}

let failed = run(files);
const flaky = [];
for (let retry = 1; failed && retry <= retries; retry++) {
  const again = [...new Set(failed.map(([file]) => file))].filter((file) => files.includes(file));
  if (again.length === 0) break;
  console.log(`\n# run-tests: ${again.length} file(s) failed; running them once more:\n# ${again.join('\n# ')}`);
  const before = failed;
  failed = run(again);
  if (!failed) flaky.push(...before);
}
if (flaky.length) {
  console.log('\n# run-tests: FLAKY (failed, then passed on a second run):');
  for (const [file, name] of flaky) console.log(`#   ${file}: ${name}`);
}
process.exit(failed ? 1 : 0);
