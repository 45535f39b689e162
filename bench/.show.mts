import { Store } from '@tracehouse/store';
const s = await Store.open({ dataDir: '/tmp/wt20x/show', retention: { spansRecent: 3600, spans: 86400, logs: 86400, metrics: 86400 }, writer: { batchRows: 5000, flushIntervalMs: 200, maxQueuedBytes: 1e8, maxInsertRows: 1e5 } });
const [r] = await s.sql.query<{ q: string }>("SELECT create_table_query AS q FROM system.tables WHERE name = 'spans_recent'");
console.log(r!.q.slice(0, 300), '...', r!.q.slice(-200));
await s.close();
