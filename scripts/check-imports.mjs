// Import-graph check (part of `npm run check`): no import circle between the source files of
// packages/*/src, and a package imports another only through its entry (src/index.ts) and only
// when its package.json lists it under dependencies. The package graph itself must be acyclic.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const packagesDir = join(root, 'packages');
const problems = [];
const packages = new Map(); // npm name -> { dir, deps }
for (const name of readdirSync(packagesDir)) {
  const pj = join(packagesDir, name, 'package.json');
  if (!existsSync(pj)) continue;
  const json = JSON.parse(readFileSync(pj, 'utf8'));
  packages.set(json.name, { dir: join(packagesDir, name), deps: Object.keys(json.dependencies ?? {}) });
}

function sources(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(n) ? [p] : [];
  });
}

function resolveFile(base) {
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')])
    if (existsSync(c) && statSync(c).isFile()) return c;
  return undefined;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'/g;
const edges = new Map(); // file -> files
for (const [npmName, pkg] of packages) {
  for (const file of sources(join(pkg.dir, 'src'))) {
    const out = [];
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) {
        const target = resolveFile(resolve(dirname(file), spec));
        if (target && !target.startsWith(`${pkg.dir}/`))
          problems.push(`${relative(root, file)} reaches into ${relative(root, target)}: import its package's entry`);
        if (target) out.push(target);
      } else if (spec.startsWith('@tracehouse/')) {
        const dep = packages.get(spec);
        if (!dep) continue;
        if (spec !== npmName && !pkg.deps.includes(spec))
          problems.push(`${relative(root, file)} imports ${spec}, which ${npmName}'s package.json does not list`);
        const entry = resolveFile(join(dep.dir, 'src', 'index'));
        if (entry) out.push(entry);
      } else if (/^@tracehouse\/[^/]+\//.test(spec)) {
        problems.push(`${relative(root, file)} imports ${spec}: other packages are imported through their entry only`);
      }
    }
    edges.set(file, out);
  }
}

// Package graph: declared dependencies between workspace packages must not loop.
function findCycle(nodes, next) {
  const state = new Map();
  const stack = [];
  const visit = (n) => {
    state.set(n, 1);
    stack.push(n);
    for (const m of next(n)) {
      if (state.get(m) === 1) return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of nodes)
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  return undefined;
}
const pkgCycle = findCycle(packages.keys(), (n) => packages.get(n).deps.filter((d) => packages.has(d)));
if (pkgCycle) problems.push(`package dependency circle: ${pkgCycle.join(' -> ')}`);
// Strongly connected components of the file graph: any with more than one file is a circle.
let index = 0;
const idx = new Map();
const low = new Map();
const onStack = new Set();
const sccStack = [];
function strong(v) {
  idx.set(v, index);
  low.set(v, index++);
  sccStack.push(v);
  onStack.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!idx.has(w)) {
      strong(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const scc = [];
    let w;
    do {
      w = sccStack.pop();
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1)
      problems.push(
        `import circle among: ${scc
          .map((f) => relative(root, f))
          .sort()
          .join(', ')}`,
      );
  }
}
for (const f of edges.keys()) if (!idx.has(f)) strong(f);

if (problems.length) {
  for (const p of problems) console.error(`check-imports: ${p}`);
  process.exit(1);
}
console.log(`check-imports: ${edges.size} files in ${packages.size} packages, no import circle`);
