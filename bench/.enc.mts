import { createWorkload } from '@tracehouse/loadgen';
import type { SpanRecord } from '@tracehouse/otlp';
import { spanColumns } from '../packages/store/src/schema/columns.ts';
import { ByteSink, rowBinaryTable } from '../packages/store/src/write/rowBinary.ts';
import { rowSerializer } from './.rowFormatOld.ts';
const w = createWorkload({ seed: 7 });
const pool: SpanRecord[] = [];
while (pool.length < 50_000) pool.push(...w.nextTrace(BigInt(Date.now()) * 1_000_000n).spans);
const t = rowBinaryTable(spanColumns); const sink = new ByteSink();
const ser = rowSerializer(spanColumns);
for (let round = 0; round < 6; round++) {
  let c = process.cpuUsage(); let bytes = 0;
  for (let i = 0; i < pool.length; i += 500) { t.write(sink, pool.slice(i, i + 500), ''); bytes += sink.take().length; }
  let d = process.cpuUsage(c); console.log('rowbinary us/span', ((d.user + d.system) / pool.length).toFixed(2), 'bytes/span', (bytes / pool.length).toFixed(0));
  c = process.cpuUsage(); bytes = 0;
  for (let i = 0; i < pool.length; i += 500) { let b = ''; for (const r of pool.slice(i, i + 500)) b += ser(r, ',""'); bytes += Buffer.from(b).length; }
  d = process.cpuUsage(c); console.log('json      us/span', ((d.user + d.system) / pool.length).toFixed(2), 'bytes/span', (bytes / pool.length).toFixed(0));
}
