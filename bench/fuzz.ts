// Fuzzes the OTLP decoders (see packages/otlp/test/support/fuzz.ts for what a case is).
//   npm run fuzz [-- --cases N --seed S]
// Prints one line of figures and exits non-zero on any crash, hang or round-trip mismatch.
import { parseArgs } from 'node:util';
import { formatStats, runFuzz } from '../packages/otlp/test/support/fuzz';

const { values } = parseArgs({
  options: { cases: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' } },
});
const stats = runFuzz({ cases: Number(values.cases), seed: Number(values.seed) });
for (const failure of stats.failures) console.error(failure);
console.log(formatStats(stats));
process.exitCode = stats.crashes > 0 ? 1 : 0;
