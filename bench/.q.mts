import { createChdbConnection } from 'chdb/connection';
const c = createChdbConnection({ path: '/tmp/wt20-chq' });
const r = await c.chdb.queryAsync(process.argv[2]!, { format: 'TSV' } as never);
console.log(r.text());
