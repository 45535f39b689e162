// npm run bench:query — query latency over an embedded store holding BENCH_SPANS spans
// (default 10M, 10 per trace) spread over the last 24 h, generated inside ClickHouse with
// INSERT ... SELECT FROM numbers() so loading takes seconds, not an HTTP ingest run.
// Prints one `bench query key=value ...` line, then (BENCH_READERS, default 1,4,16,64; empty
// to skip) the concurrency table of query-concurrency.ts and one `bench query-concurrency` line
// per level.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TENANT, findTracesSql, type Sql, Store } from '@tracehouse/store';
import { parse } from '@tracehouse/traceql';
import { type ConcurrencyLevel, formatLevels, runConcurrency } from './query-concurrency';

const SPANS = Number(process.env.BENCH_SPANS ?? 10_000_000);
const SPANS_PER_TRACE = 10;
const TRACES = Math.floor(SPANS / SPANS_PER_TRACE);
const LOGS = Number(process.env.BENCH_LOGS ?? TRACES);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 60);
const KEEP = process.env.BENCH_KEEP_DIR === '1';
const READERS = (process.env.BENCH_READERS ?? '1,4,16,64').split(',').filter(Boolean).map(Number);
const LEVEL_SECONDS = Number(process.env.BENCH_LEVEL_SECONDS ?? 15);
const INGEST_RATE = Number(process.env.BENCH_INGEST_RATE ?? 10_000);
/** Distinct traces the concurrent readers read by id. */
const CONCURRENT_TRACE_IDS = 2000;
const DAY = 86_400;

const TARGETS = { traceByIdP95Ms: 50, serviceSearchP95Ms: 300, attributeSearchP95Ms: 100, bytesPerSpan: 80 };
/** Issue 21: 16 readers in flight, and one reader alone. */
const CONCURRENCY_TARGETS = { rps16: 200, p95Ms16: 250, traceByIdP50Ms1: 10, searchP95Ms1: 100 };

const nowS = Math.floor(Date.now() / 1000);
const startS = nowS - DAY;
/** Nanoseconds between two traces' starts: the traces cover the last day evenly. */
const traceStepNs = Math.floor((DAY * 1e9) / TRACES);

const SERVICES = [
  'frontend',
  'cart',
  'checkout',
  'payment',
  'shipping',
  'currency',
  'email',
  'recommendation',
  'ad',
  'product-catalog',
];
const ROUTES = ['/', '/cart', '/checkout', '/product/{id}', '/api/recommendations', '/api/ads', '/login', '/search'];
const sqlList = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

// Trace t has spans n = t*10 .. t*10+9; span 0 is the frontend root, the others are children
// of it in a service picked by hash. Ids are hashes of t and n, hence incompressible like real ids.
const TRACE_ID = (t: string) =>
  `lower(concat(hex(reinterpretAsFixedString(sipHash64(${t}, 1))), hex(reinterpretAsFixedString(sipHash64(${t}, 2)))))`;
const SPAN_ID = (n: string) => `lower(hex(reinterpretAsFixedString(sipHash64(${n}, 3))))`;

function spansInsertSql(table: string, from: number, count: number): string {
  return `INSERT INTO ${table} (Timestamp, Duration, TraceId, SpanId, ParentSpanId, Flags, SpanName, SpanKind,
  ServiceName, ResourceAttributes, ScopeName, ScopeVersion, SpanAttributes, SpanAttributeTypes, StatusCode, StatusMessage)
SELECT
  fromUnixTimestamp64Nano(toInt64(${startS}) * 1000000000 + t * ${traceStepNs} + i * 7000000 + toInt64(h % 3000000)) AS Timestamp,
  toInt64(multiIf(
    i = 0, 60000000 + (h % 900000000),
    h % 200 = 0, 1000000000 + (h % 2000000000),
    1000000 + (h % 120000000))) AS Duration,
  ${TRACE_ID('t')} AS TraceId,
  ${SPAN_ID('n')} AS SpanId,
  if(i = 0, '', ${SPAN_ID('t * 10')}) AS ParentSpanId,
  1 AS Flags,
  if(i = 0, concat(arrayElement(['GET', 'POST'], 1 + t % 2), ' ', arrayElement(${sqlList(ROUTES)}, 1 + t % ${ROUTES.length})),
    concat(service, arrayElement(['.get', '.list', '.update', ' SELECT', ' publish'], 1 + (h % 5)))) AS SpanName,
  multiIf(i = 0, 'Server', i % 2 = 1, 'Client', 'Server') AS SpanKind,
  service AS ServiceName,
  map('service.name', service, 'service.version', '1.4.2', 'host.name', concat(service, '-', toString(t % 7)),
    'deployment.environment', 'production', 'telemetry.sdk.language', 'nodejs', 'telemetry.sdk.name', 'opentelemetry') AS ResourceAttributes,
  '@opentelemetry/instrumentation-http' AS ScopeName,
  '0.52.1' AS ScopeVersion,
  if(SpanKind = 'Server',
    map('http.request.method', arrayElement(['GET', 'POST'], 1 + t % 2),
        'http.route', arrayElement(${sqlList(ROUTES)}, 1 + t % ${ROUTES.length}),
        'http.response.status_code', toString(if(h % 100 < 2, 500, 200)),
        'enduser.id', concat('u-', toString(t % 50000)),
        'url.scheme', 'https'),
    map('db.system', 'postgresql', 'db.operation.name', 'SELECT', 'server.address', concat(service, '-db'),
        'network.peer.port', '5432')) AS SpanAttributes,
  if(SpanKind = 'Server', map('http.response.status_code', 'int'), map('network.peer.port', 'int')) AS SpanAttributeTypes,
  if(h % 100 < 2, 'Error', 'Unset') AS StatusCode,
  if(h % 100 < 2, 'upstream connect error', '') AS StatusMessage
FROM (
  SELECT number AS n, intDiv(number, ${SPANS_PER_TRACE}) AS t, number % ${SPANS_PER_TRACE} AS i, sipHash64(number, 9) AS h,
    if(i = 0, 'frontend', arrayElement(${sqlList(SERVICES)}, 1 + sipHash64(t, i) % ${SERVICES.length})) AS service
  FROM numbers(${from}, ${count})
)`;
}

function logsInsertSql(count: number): string {
  return `INSERT INTO logs (Timestamp, ObservedTimestamp, TraceId, SpanId, TraceFlags, SeverityText, SeverityNumber, Body,
  ServiceName, ResourceAttributes, ScopeName, LogAttributes)
SELECT
  fromUnixTimestamp64Nano(toInt64(${startS}) * 1000000000 + t * ${traceStepNs} + 5000000) AS Timestamp,
  Timestamp AS ObservedTimestamp,
  ${TRACE_ID('t')} AS TraceId,
  ${SPAN_ID('t * 10')} AS SpanId,
  1 AS TraceFlags,
  arrayElement(['INFO', 'INFO', 'WARN', 'ERROR', 'DEBUG'], 1 + h % 5) AS SeverityText,
  arrayElement([9, 9, 13, 17, 5], 1 + h % 5) AS SeverityNumber,
  arrayElement([
    concat('user u-', toString(t % 50000), ' added product ', toString(h % 1000), ' to cart'),
    concat('served ', arrayElement(${sqlList(ROUTES)}, 1 + t % ${ROUTES.length}), ' in ', toString(h % 900), ' ms'),
    concat('upstream request timeout after ', toString(1000 + h % 4000), ' ms, retrying'),
    concat('payment declined for order ', toString(t), ': card expired'),
    concat('cache miss for key product:', toString(h % 5000))], 1 + h % 5) AS Body,
  arrayElement(${sqlList(SERVICES)}, 1 + h % ${SERVICES.length}) AS ServiceName,
  map('service.name', ServiceName, 'host.name', concat(ServiceName, '-', toString(t % 7))) AS ResourceAttributes,
  'pino' AS ScopeName,
  map('enduser.id', concat('u-', toString(t % 50000)), 'thread.id', toString(h % 16)) AS LogAttributes
FROM (SELECT number AS t, sipHash64(number, 11) AS h FROM numbers(${count}))`;
}

/** Inserts in chunks so one statement's memory stays bounded. */
async function load(sql: Sql): Promise<number> {
  const started = performance.now();
  const step = (name: string) => {
    if (process.env.BENCH_VERBOSE === '1')
      console.error(`${name} ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  const chunk = 2_000_000;
  for (let from = 0; from < SPANS; from += chunk) {
    await sql.command(spansInsertSql('spans', from, Math.min(chunk, SPANS - from)));
    step(`spans ${from + chunk}`);
  }
  // The trace index as live ingest would have left it: the spans passed through spans_recent
  // as they happened, so a trace's ingest time is its span time (most traces of the day have
  // left the 1 h recent window, as in production).
  await sql.command(`INSERT INTO trace_index SELECT TraceId, min(Timestamp) AS Start, max(addNanoseconds(Timestamp, greatest(Duration, 0))) AS End,
  toDateTime64(Start, 3), toDateTime64(End, 3), count() FROM spans GROUP BY TraceId`);
  step('trace_index');
  // Every loaded trace was kept by a decision, as the sampler records it: search results then
  // look up real decisions (1M rows sorted by trace id), not an empty table.
  await sql.command(`INSERT INTO sampling_decisions (TraceId, Decision, Rule, Reason, DecidedAt, AdjustedCount, SpanCount,
  TraceStart, TraceEnd, LastIngest, Threshold)
SELECT TraceId, 'keep', 'baseline', 'quiet for decisionWait', addSeconds(max(End), 30), 1, sum(SpanCount),
  min(Start), max(End), toDateTime64(max(End), 3), '0'
FROM trace_index GROUP BY TraceId`);
  step('sampling_decisions');
  await sql.command(logsInsertSql(LOGS));
  step('logs');
  await sql.command('OPTIMIZE TABLE spans FINAL');
  await sql.command('OPTIMIZE TABLE trace_index FINAL');
  await sql.command('OPTIMIZE TABLE sampling_decisions FINAL');
  await sql.command('OPTIMIZE TABLE logs FINAL');
  step('optimize');
  return (performance.now() - started) / 1000;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function timed(n: number, run: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await run(0); // warm
  const ms: number[] = [];
  for (let i = 1; i <= n; i++) {
    const t0 = performance.now();
    await run(i);
    ms.push(performance.now() - t0);
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

/** A deterministic pseudo-random trace number for iteration i. */
const traceNumber = (i: number) => (i * 2_654_435_761) % TRACES;
/** A random 1 h window inside the loaded day. */
const hourWindow = (i: number) => {
  const start = startS + ((i * 7919) % (DAY - 3600));
  return { start, end: start + 3600 };
};

/** A directory kept by an earlier run with the same BENCH_SPANS (BENCH_KEEP_DIR=1): no load, not removed. */
const REUSE = process.env.BENCH_DATA_DIR;
const dir = REUSE ?? mkdtempSync(join(tmpdir(), 'tracehouse-bench-query-'));
const store = await Store.open({
  dataDir: dir,
  retention: { spansRecent: 3600, spans: 30 * DAY, logs: 30 * DAY, metrics: 30 * DAY },
  writer: { batchRows: 5000, flushIntervalMs: 200, maxQueuedBytes: 256 * 1024 ** 2, maxInsertRows: 100_000 },
});
const sql = store.sql;
let closed = false;
try {
  const loadSeconds = REUSE ? 0 : await load(sql);
  const traceIds = (
    await sql.query<{ id: string }>(`SELECT ${TRACE_ID('toUInt64(arrayJoin({ts:Array(UInt64)}))')} AS id`, {
      ts: Array.from({ length: ITERATIONS + 1 }, (_, i) => traceNumber(i)),
    })
  ).map((r) => r.id);

  // Trace by id as the API serves it (Store.getTrace: recent window, else the kept table).
  const byId = await timed(ITERATIONS, async (i) => {
    const spans = await store.getTrace(traceIds[i]!, DEFAULT_TENANT);
    if (spans.length !== SPANS_PER_TRACE) throw new Error(`trace ${traceIds[i]} has ${spans.length} spans`);
  });
  // The same from the kept table bounded by the trace index's time range, for comparison.
  const byIdBounded = await timed(ITERATIONS, async (i) => {
    const rows = await sql.query(
      `WITH (SELECT (min(Start), max(End)) FROM trace_index WHERE TraceId = {id:String}) AS range
SELECT * FROM spans WHERE TraceId = {id:String} AND Timestamp >= range.1 AND Timestamp <= range.2`,
      { id: traceIds[i]! },
    );
    if (rows.length !== SPANS_PER_TRACE) throw new Error(`trace ${traceIds[i]} has ${rows.length} spans`);
  });

  // The engine's floor in the same run: a statement that reads nothing, and a primary-key
  // point lookup (one trace's rows of the trace index).
  const floorSelect1 = await timed(ITERATIONS, () => sql.query('SELECT 1'));
  const floorPointLookup = await timed(ITERATIONS, (i) =>
    sql.query('SELECT * FROM trace_index WHERE TraceId = {id:String}', { id: traceIds[i]! }),
  );

  const search = (q: string) => {
    const query = parse(q);
    return async (i: number) => {
      const w = hourWindow(i);
      const found = await store.searchTraces({
        tenant: DEFAULT_TENANT,
        query,
        ...w,
        limit: 20,
        spansPerTrace: 3,
        recent: false,
      });
      if (found.length === 0) throw new Error(`no result for ${q}`);
      if (found.some((t) => t.decision !== 'keep')) throw new Error(`a result of ${q} has no decision`);
    };
  };
  const serviceSearch = await timed(ITERATIONS, search('{ resource.service.name = "checkout" && duration > 500ms }'));
  const attributeSearch = await timed(ITERATIONS, search('{ span.http.response.status_code = 500 }'));
  const userSearch = await timed(ITERATIONS, async (i) => {
    const w = hourWindow(i);
    const user = `u-${traceNumber(i) % 50000}`;
    await store.searchTraces({
      tenant: DEFAULT_TENANT,
      query: parse(`{ span.enduser.id = "${user}" }`),
      ...w,
      limit: 20,
      spansPerTrace: 3,
      recent: false,
    });
  });
  const logText = await timed(ITERATIONS, async (i) => {
    const page = await store.queryLogsPage({
      tenant: DEFAULT_TENANT,
      ...hourWindow(i),
      text: 'timeout retrying',
      limit: 100,
    });
    if (page.records.length === 0) throw new Error('no log matched');
  });
  const logsOfTrace = await timed(ITERATIONS, async (i) => {
    await store.queryLogsPage({ tenant: DEFAULT_TENANT, start: startS, end: nowS, traceId: traceIds[i]!, limit: 100 });
  });
  const tagValueLookup = await timed(ITERATIONS, async () => {
    await store.tagValues({ tenant: DEFAULT_TENANT, start: startS, end: nowS, tag: 'resource.service.name' });
  });

  const parts = await sql.query<{ table: string; rows: string; bytes: string; index_bytes: string }>(
    `SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes, sum(secondary_indices_compressed_bytes) AS index_bytes
FROM system.parts WHERE active AND database = currentDatabase() AND table IN ('spans', 'logs') GROUP BY table`,
  );
  const spans = parts.find((p) => p.table === 'spans')!;
  const logs = parts.find((p) => p.table === 'logs')!;
  const explain = findTracesSql('spans', {
    tenant: DEFAULT_TENANT,
    query: parse('{ span.http.response.status_code = 500 }'),
    ...hourWindow(1),
    limit: 20,
    spansPerTrace: 3,
    recent: false,
  });
  const plan = await sql.query<{ explain: string }>(`EXPLAIN indexes = 1 ${explain.sql}`, explain.params);
  if (process.env.BENCH_EXPLAIN === '1') console.error(plan.map((r) => r.explain).join('\n'));

  const f = (x: number) => x.toFixed(1);
  const figures = {
    spans: Number(spans.rows),
    traces: TRACES,
    logs: Number(logs.rows),
    load_s: loadSeconds.toFixed(1),
    trace_by_id_p50_ms: f(byId.p50),
    trace_by_id_p95_ms: f(byId.p95),
    trace_by_id_time_bounded_p50_ms: f(byIdBounded.p50),
    trace_by_id_time_bounded_p95_ms: f(byIdBounded.p95),
    floor_select1_p50_ms: f(floorSelect1.p50),
    floor_point_lookup_p50_ms: f(floorPointLookup.p50),
    trace_by_id_to_point_lookup: (byId.p50 / floorPointLookup.p50).toFixed(1),
    search_service_duration_p95_ms: f(serviceSearch.p95),
    search_attribute_p95_ms: f(attributeSearch.p95),
    search_enduser_p95_ms: f(userSearch.p95),
    logs_fulltext_p95_ms: f(logText.p95),
    logs_by_trace_p95_ms: f(logsOfTrace.p95),
    tag_values_p95_ms: f(tagValueLookup.p95),
    bytes_per_span: f(Number(spans.bytes) / Number(spans.rows)),
    index_bytes_per_span: f(Number(spans.index_bytes) / Number(spans.rows)),
    bytes_per_log: f(Number(logs.bytes) / Number(logs.rows)),
  };
  console.log(
    `bench query ${Object.entries(figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  const missed = [
    byId.p95 > TARGETS.traceByIdP95Ms && 'trace_by_id_p95_ms',
    serviceSearch.p95 > TARGETS.serviceSearchP95Ms && 'search_service_duration_p95_ms',
    attributeSearch.p95 > TARGETS.attributeSearchP95Ms && 'search_attribute_p95_ms',
    Number(spans.bytes) / Number(spans.rows) > TARGETS.bytesPerSpan && 'bytes_per_span',
  ].filter(Boolean);
  if (missed.length) console.log(`bench query targets missed: ${missed.join(' ')}`);

  if (READERS.length > 0) {
    const ids = (
      await sql.query<{ id: string }>(`SELECT ${TRACE_ID('toUInt64(arrayJoin({ts:Array(UInt64)}))')} AS id`, {
        ts: Array.from({ length: CONCURRENT_TRACE_IDS }, (_, i) => traceNumber(i + 7)),
      })
    ).map((r) => r.id);
    // chDB binds a data directory to one process at a time: the server gets it now.
    await store.close();
    closed = true;
    const levels = await runConcurrency({
      dataDir: dir,
      traceIds: ids,
      start: startS,
      end: nowS,
      readers: READERS,
      secondsPerLevel: LEVEL_SECONDS,
      ingestRate: INGEST_RATE,
    });
    printConcurrency(levels, floorPointLookup.p50);
  }
} finally {
  if (!closed) await store.close();
  if (!KEEP && !REUSE) rmSync(dir, { recursive: true, force: true });
  else console.error(`data kept in ${dir}`);
}

function printConcurrency(levels: readonly ConcurrencyLevel[], pointLookupMs: number): void {
  console.log(formatLevels(levels));
  const f = (x: number) => x.toFixed(1);
  for (const l of levels) {
    console.log(
      `bench query-concurrency readers=${l.readers} requests=${l.requests} errors=${l.errors} rps=${f(l.requestsPerSecond)} ` +
        `p50_ms=${f(l.p50)} p95_ms=${f(l.p95)} trace_by_id_p50_ms=${f(l.traceByIdP50)} search_p95_ms=${f(l.searchP95)} ` +
        `ingest_spans_per_s=${Math.round(l.ingestSpansPerSecond)} trace_by_id_p50_to_point_lookup=${(l.traceByIdP50 / pointLookupMs).toFixed(1)}`,
    );
  }
  const one = levels.find((l) => l.readers === 1);
  const sixteen = levels.find((l) => l.readers === 16);
  const t = CONCURRENCY_TARGETS;
  const missed = [
    sixteen && sixteen.requestsPerSecond < t.rps16 && 'rps_16_readers',
    sixteen && sixteen.p95 > t.p95Ms16 && 'p95_16_readers',
    one && one.traceByIdP50 > t.traceByIdP50Ms1 && 'trace_by_id_p50_1_reader',
    one && one.searchP95 > t.searchP95Ms1 && 'search_p95_1_reader',
  ].filter(Boolean);
  if (missed.length) console.log(`bench query-concurrency targets missed: ${missed.join(' ')}`);
}
