// A design experiment for issue 20: the storage cost of candidate `spans_recent` layouts,
// measured in one run with the same loop, so that the next redesign is chosen by figures.
//
//   node --import tsx bench/ingest-layout.ts [seconds] [layout ...]
//
// Each layout runs in its own process (chDB binds one data directory per process): one writer
// inserts the same realistic records (bench/ingest-ceiling.ts's pool, new trace ids on every
// pass) in inserts of CEILING_BATCH_ROWS (default 5,000), encoded to RowBinary in JS, into a
// table of that layout with `recent_traces`' view attached, as spans_recent has. It prints one
// line per layout: CPU per span (whole process, and by thread group), spans/s, bytes per span
// on disk, and the ratio of its CPU to the `full` layout's in the same run.
//
// Layouts:
// - full: spans_recent as it is (every OTLP field in its own column);
// - no-events-links: full without the Events.* and Links.* columns;
// - thin: what the sampler and the trace index need (ids, time, duration, service, name, kind,
//   status) plus the span's protobuf bytes in one `Body` column (as the request carries them;
//   here each span encoded alone, without its resource);
// - thin-span-attrs: thin plus SpanAttributes;
// - thin-attrs: thin plus SpanAttributes and ResourceAttributes;
// - rest-json: full without the 25 columns no SQL reader of spans_recent filters or groups by
//   (resource and scope extras, trace state, flags, counts, events, links), which go into one
//   JSON array per span (`Rest`) that ClickHouse's JSONExtract could read back.
// Like spans_recent since migration 26, the thin layouts' table has no LowCardinality column
// but the tenant.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTracesData, type SpanRecord } from '@tracehouse/otlp';
import { Store } from '@tracehouse/store';
import { spanColumns } from '../packages/store/src/schema/columns';
import { ByteSink, rowBinaryTable } from '../packages/store/src/write/rowBinary';
import { POOL_BATCH, SpanPool, type StorageRun, startStorageRun } from './span-pool';

const LAYOUTS = ['full', 'no-events-links', 'thin', 'thin-span-attrs', 'thin-attrs', 'rest-json'] as const;
type Layout = (typeof LAYOUTS)[number];

const seconds = Number(process.argv[2] ?? 30);
const child = process.env.LAYOUT_CHILD as Layout | undefined;

if (!child) {
  const chosen = (process.argv.slice(3).length ? process.argv.slice(3) : LAYOUTS) as Layout[];
  const results = new Map<Layout, Result>();
  for (const layout of chosen) {
    if (!LAYOUTS.includes(layout)) throw new Error(`unknown layout ${layout}; one of ${LAYOUTS.join(', ')}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, String(seconds)], {
      env: { ...process.env, LAYOUT_CHILD: layout },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`layout ${layout} failed:\n${r.stderr}`);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Result;
    results.set(layout, result);
    const full = results.get('full');
    const g = result.groupsUsPerSpan;
    console.log(
      `bench ingest-layout layout=${layout} seconds=${seconds} cpu_us_per_span=${result.cpuUsPerSpan.toFixed(1)} ` +
        `js_us=${g.js} workers_us=${g.workers} insert_us=${g.insert} merges_us=${g.merges} other_us=${g.other} ` +
        `spans_per_s=${Math.round(result.spansPerSecond)} bytes_per_span=${result.bytesPerSpan.toFixed(1)} ` +
        `ratio_to_full=${full ? (result.cpuUsPerSpan / full.cpuUsPerSpan).toFixed(2) : 'n/a'} load=${load()}`,
    );
  }
  process.exit(0);
}

interface Result extends StorageRun {
  bytesPerSpan: number;
}

function load(): string {
  const [one, five] = loadavg();
  return `${one!.toFixed(2)}/${five!.toFixed(2)}`;
}

const batchRows = Number(process.env.CEILING_BATCH_ROWS ?? 5000);
const dir = mkdtempSync(join(tmpdir(), 'tracehouse-layout-'));
const store = await Store.open({
  dataDir: dir,
  retention: { spansRecent: 3600, spans: 86400, logs: 86400, metrics: 86400 },
  writer: { batchRows, flushIntervalMs: 200, maxQueuedBytes: 256 * 1024 ** 2, maxInsertRows: 100_000 },
});
const { sql } = store;

// The same pool as the storage ceiling's.
const pool = new SpanPool();

interface Target {
  table: string;
  columns: string[];
  structure: string;
  select: string;
  /** Appends records; `first` is the first one's place in the pool. */
  write(out: ByteSink, records: SpanRecord[], first: number): void;
}

function fullTarget(drop: string[]): Target {
  const kept = spanColumns.filter((c) => !drop.some((d) => c.name.startsWith(d)));
  const rows = rowBinaryTable(kept);
  return {
    table: 'spans_recent',
    columns: [...kept.map((c) => c.name), 'Tenant'],
    structure: rows.structure,
    select: '*',
    write: (out, records) => rows.write(out, records, ''),
  };
}

function thinTarget(attrs: ('SpanAttributes' | 'ResourceAttributes')[]): Target {
  // The span's protobuf bytes, computed before the clock starts: the server would slice them
  // out of the request.
  const bodies = pool.records.map((s) =>
    Buffer.from(
      encodeTracesData([
        { ...s, ResourceAttributes: {}, ResourceAttributeTypes: {}, ScopeAttributes: {}, ScopeAttributeTypes: {} },
      ]),
    ),
  );
  const map = (out: ByteSink, m: Record<string, string>) => {
    const keys = Object.keys(m);
    out.varint(keys.length);
    for (const k of keys) {
      out.string(k);
      out.string(m[k]!);
    }
  };
  const strings = ['TraceId', 'SpanId', 'ParentSpanId'] as const;
  const names = ['ServiceName', 'SpanName', 'SpanKind', 'StatusCode'] as const;
  return {
    table: 'spans_thin',
    columns: ['Tenant', ...strings, 'Timestamp', 'Duration', ...names, 'Body', ...attrs],
    structure: [
      'Tenant String',
      ...strings.map((c) => `${c} String`),
      'Timestamp Int64, Duration Int64',
      ...names.map((c) => `${c} String`),
      'Body String',
      ...attrs.map((c) => `${c} Map(String, String)`),
    ].join(', '),
    select: `Tenant, ${strings.join(', ')}, fromUnixTimestamp64Nano(Timestamp), Duration, ${names.join(', ')}, Body${attrs.map((c) => `, ${c}`).join('')}`,
    write(out, records, first) {
      for (let k = 0; k < records.length; k++) writeOne(out, records[k]!, bodies[first + k]!);
    },
  };
  function writeOne(out: ByteSink, s: SpanRecord, body: Buffer): void {
    out.string('');
    for (const c of strings) out.string(s[c]);
    out.i64(s.Timestamp);
    out.i64(s.Duration);
    for (const c of names) out.string(s[c]);
    out.varint(body.length);
    out.reserve(body.length);
    body.copy(out.buf, out.pos);
    out.pos += body.length;
    for (const c of attrs) map(out, s[c]);
  }
}

async function createThin(attrs: string[]): Promise<void> {
  await sql.command(`CREATE TABLE spans_thin (
  Tenant LowCardinality(String),
  TraceId String CODEC(LZ4), SpanId String CODEC(LZ4), ParentSpanId String CODEC(LZ4),
  Timestamp DateTime64(9) CODEC(Delta(8), LZ4), Duration Int64 CODEC(T64, LZ4),
  ServiceName String CODEC(LZ4), SpanName String CODEC(LZ4),
  SpanKind String CODEC(LZ4), StatusCode String CODEC(LZ4),
  Body String CODEC(LZ4),
  ${attrs.map((c) => `${c} Map(String, String) CODEC(LZ4),`).join('\n  ')}
  IngestTime DateTime64(3) DEFAULT now64(3) CODEC(Delta(8), LZ4)
)
ENGINE = MergeTree PARTITION BY toStartOfFifteenMinutes(IngestTime) ORDER BY (TraceId, Timestamp)
TTL toDateTime(IngestTime) + INTERVAL 1 HOUR
SETTINGS ttl_only_drop_parts = 1, merge_selector_base = 50`);
  // As spans_recent feeds recent_traces (and through it trace_index).
  await sql.command(`CREATE MATERIALIZED VIEW spans_thin_mv TO recent_traces AS
SELECT TraceId, min(Timestamp) AS Start, max(addNanoseconds(Timestamp, greatest(Duration, 0))) AS End,
  min(IngestTime) AS IngestStart, max(IngestTime) AS IngestEnd, count() AS SpanCount
FROM spans_thin GROUP BY TraceId`);
}

/** Columns no SQL reader of spans_recent filters or groups by: one JSON array per span. */
const REST = [
  'ResourceDroppedAttributesCount',
  'ResourceSchemaUrl',
  'ScopeName',
  'ScopeVersion',
  'ScopeAttributes',
  'ScopeAttributeTypes',
  'ScopeDroppedAttributesCount',
  'ScopeSchemaUrl',
  'TraceState',
  'Flags',
  'DroppedAttributesCount',
  'Events.Timestamp',
  'Events.Name',
  'Events.Attributes',
  'Events.AttributeTypes',
  'Events.DroppedAttributesCount',
  'DroppedEventsCount',
  'Links.TraceId',
  'Links.SpanId',
  'Links.TraceState',
  'Links.Flags',
  'Links.Attributes',
  'Links.AttributeTypes',
  'Links.DroppedAttributesCount',
  'DroppedLinksCount',
];
function restTarget(): Target {
  const kept = spanColumns.filter((c) => !REST.includes(c.name));
  const rows = rowBinaryTable(kept);
  // The resource and scope part of the JSON, by scope name and version: in the pool each has one
  // set of the other resource and scope fields (checked when the layout was added).
  const scopes = new Map<string, string>();
  return {
    table: 'spans_recent',
    columns: [...kept.map((c) => c.name), 'Tenant', 'Rest'],
    structure: `${rows.structure}, Rest String`,
    select: '*',
    write: (out, records) => {
      for (const s of records) {
        rows.write(out, [s], '');
        const key = `${s.ScopeName}\u0000${s.ScopeVersion}`;
        let scope = scopes.get(key);
        if (scope === undefined) {
          scope = JSON.stringify([
            s.ResourceDroppedAttributesCount,
            s.ResourceSchemaUrl,
            s.ScopeName,
            s.ScopeVersion,
            s.ScopeAttributes,
            s.ScopeAttributeTypes,
            s.ScopeDroppedAttributesCount,
            s.ScopeSchemaUrl,
          ]).slice(0, -1);
          scopes.set(key, scope);
        }
        let json = `${scope},${JSON.stringify(s.TraceState)},${s.Flags},${s.DroppedAttributesCount}`;
        json += s['Events.Name'].length
          ? `,${JSON.stringify([s['Events.Timestamp'], s['Events.Name'], s['Events.Attributes'], s['Events.AttributeTypes'], s['Events.DroppedAttributesCount']]).slice(1, -1)}`
          : ',[],[],[],[],[]';
        json += `,${s.DroppedEventsCount}`;
        json += s['Links.TraceId'].length
          ? `,${JSON.stringify([s['Links.TraceId'], s['Links.SpanId'], s['Links.TraceState'], s['Links.Flags'], s['Links.Attributes'], s['Links.AttributeTypes'], s['Links.DroppedAttributesCount']]).slice(1, -1)}`
          : ',[],[],[],[],[],[],[]';
        json += `,${s.DroppedLinksCount}]`;
        out.string(json);
      }
    },
  };
}

let target: Target;
switch (child) {
  case 'rest-json': {
    target = restTarget();
    await sql.command(`ALTER TABLE spans_recent ADD COLUMN Rest String CODEC(LZ4)`);
    await sql.command(`ALTER TABLE spans_recent ${REST.map((c) => `DROP COLUMN \`${c}\``).join(', ')}`);
    break;
  }
  case 'full':
    target = fullTarget([]);
    break;
  case 'no-events-links': {
    target = fullTarget(['Events.', 'Links.']);
    const dropped = spanColumns.filter((c) => c.name.startsWith('Events.') || c.name.startsWith('Links.'));
    await sql.command(`ALTER TABLE spans_recent ${dropped.map((c) => `DROP COLUMN \`${c.name}\``).join(', ')}`);
    break;
  }
  case 'thin':
    await createThin([]);
    target = thinTarget([]);
    break;
  case 'thin-span-attrs':
    await createThin(['SpanAttributes']);
    target = thinTarget(['SpanAttributes']);
    break;
  case 'thin-attrs':
    await createThin(['SpanAttributes', 'ResourceAttributes']);
    target = thinTarget(['SpanAttributes', 'ResourceAttributes']);
    break;
}

let written = 0;
let next = 0;
const sink = new ByteSink();
const run = startStorageRun();
const deadline = performance.now() + seconds * 1000;
while (performance.now() < deadline) {
  let rows = 0;
  for (; rows < batchRows; rows += POOL_BATCH) {
    const i = next++;
    target!.write(sink, pool.batch(i), pool.offset(i));
  }
  await sql.insertRowBinary(target!.table, target!.columns, target!.structure, [sink.take()], target!.select);
  written += rows;
}
const measured = run.stop(written);
const [stats] = await sql.query<{ bytes: string; rows: string }>(
  'SELECT sum(bytes_on_disk) AS bytes, sum(rows) AS rows FROM system.parts WHERE active AND table = {table:String}',
  { table: target!.table },
);
await store.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    ...measured,
    bytesPerSpan: Number(stats!.bytes) / Number(stats!.rows),
  } satisfies Result),
);
