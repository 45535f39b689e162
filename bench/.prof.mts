import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadgen } from '@tracehouse/loadgen';
import { startTracehouse } from '../packages/server/test/process.ts';
const dataDir = mkdtempSync(join(tmpdir(), 'wt20-prof-'));

const th = await startTracehouse(dataDir, { inheritStderr: true, node: '/tmp/wt20x/node-prof.sh', sets: (process.env.SETS ?? '').split(' ').filter(Boolean) });

const s = await runLoadgen({ endpoint: th.otlpHttp, protocol: 'http/protobuf', rate: 0, durationMs: Number(process.env.SECS ?? 20) * 1000, concurrency: 8, batch: 500, signals: ['traces'], seed: 7 });
console.log('spans/s', s.spans.acknowledged / (s.elapsedMs / 1000), 'pid', th.child.pid);
th.child.kill('SIGINT');
await new Promise((r) => th.child.on('exit', r));
