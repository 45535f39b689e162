// Where a trace by id, a search, a decision lookup and a tag-values call spend their time, one
// statement at a time, in-process (wall p50 and CPU per operation of this process, which holds
// chDB). Runs over a data directory kept by `BENCH_KEEP_DIR=1 npm run bench:query`:
//   node --import tsx bench/query-breakdown.ts /tmp/tracehouse-bench-query-XXXX

import { spansToTracesData } from '@tracehouse/otlp';
import { traceDecision } from '@tracehouse/sampling';
import { DEFAULT_TENANT, findTracesSql, Store, tenantKey } from '@tracehouse/store';
import { parse } from '@tracehouse/traceql';

const dir = process.argv[2];
if (!dir) throw new Error('usage: query-breakdown.ts <data dir kept by bench:query>');
const store = await Store.open({
  dataDir: dir,
  retention: { spansRecent: 3600, spans: 30 * 86400, logs: 30 * 86400, metrics: 30 * 86400 },
  writer: { batchRows: 5000, flushIntervalMs: 200, maxQueuedBytes: 1 << 28, maxInsertRows: 100000 },
  traceCache: { maxSpans: 0 },
});
const sql = store.sql;
const ids = (
  await sql.query<{ TraceId: string }>('SELECT TraceId FROM trace_index ORDER BY cityHash64(TraceId) LIMIT 200')
).map((r) => r.TraceId);
const N = 40;
async function t(name: string, fn: (i: number) => Promise<unknown>) {
  await fn(0);
  const ms: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 1; i <= N; i++) {
    const a = performance.now();
    await fn(i);
    ms.push(performance.now() - a);
  }
  const cpu = process.cpuUsage(c0);
  ms.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(48)} p50=${ms[(N / 2) | 0]!.toFixed(1)} ms  cpu/op=${((cpu.user + cpu.system) / 1000 / N).toFixed(1)} ms`,
  );
}
const tenant = DEFAULT_TENANT;
await t('SELECT 1', () => sql.query('SELECT 1'));
await t('point lookup trace_index', (i) =>
  sql.query('SELECT * FROM trace_index WHERE TraceId = {id:String}', { id: ids[i]! }),
);
await t('trace: range statement', (i) =>
  sql.query(
    `SELECT count(), sum(SpanCount), min(Start), max(End), min(IngestStart), max(IngestEnd) FROM trace_index WHERE TraceId = {id:String}`,
    { id: ids[i]! },
  ),
);
const [r0] = await sql.query<{ s: string; e: string }>(
  `SELECT toString(toUnixTimestamp64Nano(min(Start))) AS s, toString(toUnixTimestamp64Nano(max(End))) AS e FROM trace_index WHERE TraceId = {id:String}`,
  { id: ids[1]! },
);
await t('trace: narrow ids statement (SpanId, Timestamp)', () =>
  sql.query(
    `SELECT SpanId, Timestamp FROM spans WHERE TraceId = {id:String} AND Tenant = {tenant:String} AND Timestamp >= fromUnixTimestamp64Nano({s:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({e:Int64})`,
    { id: ids[1]!, s: r0!.s, e: r0!.e, tenant: tenantKey(DEFAULT_TENANT) },
  ),
);
await t('trace: wide rows statement (all columns)', () =>
  sql.query(
    `SELECT * FROM spans WHERE TraceId = {id:String} AND Timestamp >= fromUnixTimestamp64Nano({s:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({e:Int64})`,
    { id: ids[1]!, s: r0!.s, e: r0!.e },
  ),
);
await t('trace: Store.getTrace (whole, uncached)', (i) => store.getTrace(ids[i]!, tenant));
const spans = await store.getTrace(ids[1]!, tenant);
await t('trace: spansToTracesData + JSON.stringify', async () => JSON.stringify(spansToTracesData(spans)));
await t('decision: traceDecision', (i) => traceDecision(store, ids[i]!, tenant));
const day = Math.floor(Date.now() / 1000);
await t('tags: tagValues service.name (uncached key)', (i) =>
  store.tagValues({ tenant, start: day - 86400 - i, end: day, tag: 'resource.service.name' }),
);
const w = (i: number) => ({ start: day - 86400 + i * 600, end: day - 86400 + i * 600 + 3600 });
for (const q of [
  '{ resource.service.name = "checkout" && duration > 500ms }',
  '{ span.http.response.status_code = 500 }',
]) {
  const query = parse(q);
  await t(`search: step 1 newest slice ${q.slice(0, 30)}`, async (i) => {
    const f = findTracesSql('spans', { tenant, query, ...w(i), limit: 20, spansPerTrace: 3, recent: false });
    await sql.query(f.sql, f.params);
  });
  await t(`search: whole searchTraces ${q.slice(0, 30)}`, (i) =>
    store.searchTraces({ tenant, query, ...w(i), limit: 20, spansPerTrace: 3, recent: false }),
  );
}
await store.close();
