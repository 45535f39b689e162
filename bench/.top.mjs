import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const dt = new Map();
for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const self = new Map();
let total = 0;
for (const [id, t] of dt) {
  const cf = byId.get(id).callFrame;
  if (cf.functionName === '(idle)' || cf.functionName === '(program)') continue;
  const k = `${cf.functionName || '(anon)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber}`;
  self.set(k, (self.get(k) ?? 0) + t);
  total += t;
}
console.log('busy ms', (total / 1000).toFixed(0));
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 40));
for (const [k, t] of rows) console.log(((100 * t) / total).toFixed(1).padStart(5), k);
