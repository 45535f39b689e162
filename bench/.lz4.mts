import { spanColumns } from '../packages/store/src/schema/columns.ts';
import { bareType } from '../packages/store/src/schema/columns.ts';
const codec = process.argv[2] ?? 'LZ4';
console.log(`ALTER TABLE spans_recent ${spanColumns.map((c) => `MODIFY COLUMN \`${c.name}\` ${bareType(c.type)} CODEC(${codec})`).join(', ')}`);
