// npm run bench:promql — PromQL latency over an embedded store holding a day of metrics:
// BENCH_SERIES (default 1,000) OTLP counter series at 15 s, 50 OTLP histogram series of 100
// buckets at 15 s, and the derived span metrics of BENCH_SPANS (default 10M) spans in 15 s
// intervals. Data is generated inside ClickHouse (INSERT ... SELECT FROM numbers()) so loading
// takes seconds, each point ingested a few seconds after its time as a live exporter's is; the
// finished hours are rolled up as the server does (timed). Queries go through the same engine
// and store reader as /prometheus.
// Prints one `bench promql key=value ...` line; targets are p95 ceilings from the issue.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LATENCY_BOUNDS_SECONDS } from '@tracehouse/derived';
import { type GaugePoint, noExemplars } from '@tracehouse/otlp';
import { createPrometheusApi, loadConfig } from '@tracehouse/server';
import {
  DEFAULT_TENANT,
  DERIVED_HOURLY_WATERMARK,
  HOUR_MS,
  METRICS_HOURLY_WATERMARK,
  metricsRollableUntilMs,
  type Sql,
  Store,
} from '@tracehouse/store';

const SERIES = Number(process.env.BENCH_SERIES ?? 1000);
const SPANS = Number(process.env.BENCH_SPANS ?? 10_000_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20);
const HISTOGRAM_SERIES = 50;
const HISTOGRAM_BUCKETS = 100;
const DAY_S = 86_400;
const STEP_S = 15;
const POINTS = DAY_S / STEP_S;
const SERVICES = 20;
const SPAN_SERIES = 400;
const DERIVED_HISTORY_DAYS = Number(process.env.BENCH_DERIVED_HISTORY_DAYS ?? 6);

const TARGETS = { dashboardP95Ms: 200, histogramQuantileP95Ms: 300 };

let nowS = Math.floor(Date.now() / 1000 / 60) * 60;
/** A point is ingested a few seconds after its time, as a live exporter's are (metricsHourly.ts). */
const INGESTED = 'TimeUnix + toIntervalSecond(3 + p % 5)';
let startS = nowS - DAY_S;

/** OTLP cumulative counters: SERIES series (route x service), a point every 15 s for a day. */
function countersSql(): string {
  return `INSERT INTO metrics_sum (ServiceName, ResourceAttributes, ScopeName, MetricName, MetricUnit, Attributes,
  StartTimeUnix, TimeUnix, IngestTime, Value, AggregationTemporality, IsMonotonic)
SELECT concat('svc-', toString(s % ${SERVICES})) AS ServiceName, map('service.name', ServiceName) AS ResourceAttributes,
  'bench' AS ScopeName, 'http.server.requests' AS MetricName, '' AS MetricUnit,
  map('http.route', concat('/route/', toString(s)), 'http.method', 'GET') AS Attributes,
  fromUnixTimestamp64Milli(toInt64(${startS * 1000})) AS StartTimeUnix,
  fromUnixTimestamp64Milli(toInt64((${startS} + p * ${STEP_S}) * 1000)) AS TimeUnix, ${INGESTED} AS IngestTime,
  toFloat64(p * (1 + s % 7) + intDiv(sipHash64(s, p) % 10, 3)) AS Value, 2, true
FROM (SELECT intDiv(number, ${POINTS + 1}) AS s, number % ${POINTS + 1} AS p FROM numbers(${SERIES * (POINTS + 1)}))`;
}

/** OTLP cumulative histograms: 50 series of 100 buckets (99 bounds). */
function histogramsSql(): string {
  const bounds = Array.from({ length: HISTOGRAM_BUCKETS - 1 }, (_, i) => ((i + 1) * 0.01).toFixed(2)).join(', ');
  return `INSERT INTO metrics_histogram (ServiceName, ResourceAttributes, ScopeName, MetricName, MetricUnit, Attributes,
  StartTimeUnix, TimeUnix, IngestTime, Count, Sum, BucketCounts, ExplicitBounds, AggregationTemporality)
SELECT concat('svc-', toString(s % ${SERVICES})) AS ServiceName, map('service.name', ServiceName) AS ResourceAttributes,
  'bench' AS ScopeName, 'http.server.request.duration' AS MetricName, 's' AS MetricUnit,
  map('http.route', concat('/route/', toString(s))) AS Attributes,
  fromUnixTimestamp64Milli(toInt64(${startS * 1000})) AS StartTimeUnix,
  fromUnixTimestamp64Milli(toInt64((${startS} + p * ${STEP_S}) * 1000)) AS TimeUnix, ${INGESTED} AS IngestTime,
  arraySum(b) AS Count, toFloat64(Count) * 0.3 AS Sum, b AS BucketCounts, [${bounds}] AS ExplicitBounds, 2
FROM (SELECT s, p, arrayMap(i -> toUInt64(p * (1 + (i * 7 + s) % 5)), range(${HISTOGRAM_BUCKETS})) AS b
  FROM (SELECT intDiv(number, ${POINTS + 1}) AS s, number % ${POINTS + 1} AS p FROM numbers(${HISTOGRAM_SERIES * (POINTS + 1)})))`;
}

/**
 * The derived span metrics of SPANS spans a day: SPAN_SERIES label sets, one row per 15 s
 * interval, over the day and the DERIVED_HISTORY_DAYS before it (a derived counter's value at
 * the start of a range counts everything before it).
 */
function spanMetricsSql(): string {
  const perRow = Math.max(1, Math.round(SPANS / (SPAN_SERIES * POINTS)));
  const points = POINTS * (1 + DERIVED_HISTORY_DAYS);
  const firstS = startS - DERIVED_HISTORY_DAYS * DAY_S;
  const buckets = LATENCY_BOUNDS_SECONDS.length + 1;
  return `INSERT INTO span_metrics (WindowStart, WindowEnd, SeriesKey, ServiceName, SpanName, SpanKind, StatusCode, Dimensions,
  Overflow, Calls, LatencySum, LatencyBuckets, \`Exemplars.Bucket\`, \`Exemplars.TraceId\`, \`Exemplars.SpanId\`,
  \`Exemplars.Value\`, \`Exemplars.TimeUnix\`, Tenant)
SELECT fromUnixTimestamp64Milli(toInt64((${firstS} + p * ${STEP_S}) * 1000)) AS WindowStart,
  fromUnixTimestamp64Milli(toInt64((${firstS} + (p + 1) * ${STEP_S}) * 1000)) AS WindowEnd,
  toString(s) AS SeriesKey, concat('svc-', toString(s % ${SERVICES})) AS ServiceName,
  concat('op-', toString(intDiv(s, ${SERVICES}) % 10)) AS SpanName, 'Server' AS SpanKind,
  if(s % 2 = 0, 'Unset', 'Error') AS StatusCode, map() AS Dimensions, false AS Overflow,
  toUInt64(${perRow} + sipHash64(s, p) % 3) AS Calls, toFloat64(Calls) * 0.05 AS LatencySum,
  arrayMap(i -> if(i = (s + p) % ${buckets}, Calls, 0), range(${buckets})) AS LatencyBuckets,
  [], [], [], [], [], ''
FROM (SELECT intDiv(number, ${points}) AS s, number % ${points} AS p FROM numbers(${SPAN_SERIES * points}))`;
}

const verbose = (what: string, t0: number) => {
  if (process.env.BENCH_VERBOSE === '1') console.error(`${what} ${((performance.now() - t0) / 1000).toFixed(2)} s`);
};

async function load(sql: Sql): Promise<number> {
  const t0 = performance.now();
  await sql.command(countersSql());
  verbose('counters', t0);
  await sql.command(histogramsSql());
  verbose('histograms', t0);
  await sql.command(spanMetricsSql());
  verbose('span_metrics', t0);
  for (const t of ['metrics_sum', 'metrics_histogram', 'span_metrics']) await sql.command(`OPTIMIZE TABLE ${t} FINAL`);
  verbose('optimize', t0);
  return (performance.now() - t0) / 1000;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** p50/p95 latency and the largest memory growth of one run (the query's own memory, roughly). */
/** A point of a gauge of its own (`bench.write.probe`) at `ms`, as an exporter sends it. */
function probePoint(ms: number): GaugePoint {
  return {
    ServiceName: 'bench',
    ResourceAttributes: { 'service.name': 'bench' },
    ResourceAttributeTypes: {},
    ResourceDroppedAttributesCount: 0,
    ResourceSchemaUrl: '',
    ScopeName: 'bench',
    ScopeVersion: '',
    ScopeAttributes: {},
    ScopeAttributeTypes: {},
    ScopeDroppedAttributesCount: 0,
    ScopeSchemaUrl: '',
    MetricName: 'bench.write.probe',
    MetricDescription: '',
    MetricUnit: '',
    MetricMetadata: {},
    MetricMetadataTypes: {},
    Attributes: {},
    AttributeTypes: {},
    StartTimeUnix: '0',
    TimeUnix: `${ms}000000`,
    Flags: 0,
    ...noExemplars(),
    Value: 1,
    IntValue: null,
  };
}

async function timed(
  run: () => Promise<unknown>,
  iterations = ITERATIONS,
  /** Done before each query, untimed. */
  prepare: () => Promise<void> | void = () => {},
): Promise<{ p50: number; p95: number; heapMb: number }> {
  await prepare();
  await run();
  const ms: number[] = [];
  let heap = 0;
  for (let i = 0; i < iterations; i++) {
    await prepare();
    global.gc?.();
    // The JS heap and the buffers outside it (the samples' Native result): what one query holds.
    const held = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const before = held();
    const t0 = performance.now();
    const result = await run();
    ms.push(performance.now() - t0);
    verbose('query', t0);
    heap = Math.max(heap, held() - before);
    if (!result) throw new Error('no result');
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), heapMb: heap / 1024 / 1024 };
}

// BENCH_DATA_DIR keeps the generated data between runs (loaded once, when the directory is new).
const keep = process.env.BENCH_DATA_DIR;
const reuse = keep !== undefined && existsSync(join(keep, 'bench-promql.json'));
if (reuse) nowS = JSON.parse(readFileSync(join(keep, 'bench-promql.json'), 'utf8')).nowS;
const dir = keep ?? mkdtempSync(join(tmpdir(), 'tracehouse-bench-promql-'));
const store = await Store.open({
  dataDir: dir,
  retention: { spansRecent: 3600, spans: 30 * DAY_S, logs: 30 * DAY_S, metrics: 30 * DAY_S },
  writer: { batchRows: 5000, flushIntervalMs: 200, maxQueuedBytes: 64 * 1024 ** 2, maxInsertRows: 100_000 },
});
try {
  startS = nowS - DAY_S;
  const loadSeconds = reuse ? 0 : await load(store.sql);
  if (keep && !reuse)
    writeFileSync(join(keep, 'bench-promql.json'), JSON.stringify({ nowS, SERIES, SPANS, DERIVED_HISTORY_DAYS }));
  if (process.env.BENCH_LOAD_ONLY === '1') {
    console.log(`bench promql loaded ${dir} now_s=${nowS} load_s=${loadSeconds.toFixed(1)}`);
    process.exit(0);
  }
  const api = createPrometheusApi(store, loadConfig({}), () => nowS * 1000);
  // An engine per query, as the API makes one per request: its probes (which tables and metric
  // families have data) live as long as it does.
  const range = (q: string, fromS: number) => async () => {
    const r = await api.engine(DEFAULT_TENANT).rangeQuery(q, fromS * 1000, nowS * 1000, 60_000);
    return r.resultType === 'matrix' && r.result.length > 0 ? r : undefined;
  };
  // The server rolls up every finished hour of the OTLP points (metricsHourlyProcessor): undone
  // first, to time the read of every point too, then done as the server does it.
  const otlpQuery = range('sum by (job) (rate(http_server_requests_total[5m]))', startS);
  await store.sql.command('TRUNCATE TABLE metrics_hourly');
  await store.sql.command(
    `ALTER TABLE processor_state DELETE WHERE Name = '${METRICS_HOURLY_WATERMARK}' SETTINGS mutations_sync = 2`,
  );
  const unrolledOtlp = await timed(otlpQuery, 3);
  const metricsRollupStarted = performance.now();
  // The hour holding the first point (an hour holds the times in (start, start + 1 h]).
  const firstMetricsHour = Math.floor((startS * 1000 - 1) / HOUR_MS) * HOUR_MS;
  let metricsHour = firstMetricsHour;
  for (; metricsHour + HOUR_MS <= metricsRollableUntilMs(nowS * 1000); metricsHour += HOUR_MS)
    await store.rollUpMetricsHour(metricsHour);
  await store.state.writeWatermarkMs(METRICS_HOURLY_WATERMARK, metricsHour);
  const metricsRollupMsPerHour =
    ((performance.now() - metricsRollupStarted) * HOUR_MS) / (metricsHour - firstMetricsHour);
  const dashboardOtlp = await timed(otlpQuery);
  // The same while metrics arrive: a point of another metric written before each query (every
  // write used to drop the kept families, ~135 ms to read again over 24 h).
  let written = 0;
  const writingOtlp = await timed(otlpQuery, ITERATIONS, () =>
    store.writeMetrics({
      gauge: [probePoint((nowS - 60) * 1000 + (written++ % 60_000))],
      sum: [],
      histogram: [],
      expHistogram: [],
      summary: [],
    }),
  );
  // The same with an empty series index (the first read of a metric after a start): its series
  // statement builds every label set from the attribute maps.
  const coldOtlp = await timed(otlpQuery, 10, () => store.seriesIndex.clear());
  // The derived processors sum every finished hour (HourlyRollupProcessor), so a read sums the
  // hours before its range from one row per series and hour: undone first, to time the read of
  // every interval of the history too, then done as the server does it.
  const derivedQuery = range('sum by (service) (rate(traces_spanmetrics_calls_total[5m]))', startS);
  for (const t of ['span_metrics_hourly', 'service_graph_edges_hourly']) await store.sql.command(`TRUNCATE TABLE ${t}`);
  await store.sql.command(
    `ALTER TABLE processor_state DELETE WHERE Name = '${DERIVED_HOURLY_WATERMARK}' SETTINGS mutations_sync = 2`,
  );
  const unrolledDerived = await timed(derivedQuery, 3);
  const rollupStarted = performance.now();
  const first = Math.floor(((startS - DERIVED_HISTORY_DAYS * DAY_S) * 1000) / HOUR_MS) * HOUR_MS;
  let hour = first;
  for (; hour + HOUR_MS <= nowS * 1000; hour += HOUR_MS) await store.rollUpDerivedHour(hour);
  await store.state.writeWatermarkMs(DERIVED_HOURLY_WATERMARK, hour);
  const rollupS = (performance.now() - rollupStarted) / 1000;
  const dashboardDerived = await timed(derivedQuery);
  const quantile = await timed(
    range(
      'histogram_quantile(0.95, sum by (le, job) (rate(http_server_request_duration_seconds_bucket[5m])))',
      nowS - 3600,
    ),
  );
  // A dashboard refreshed every minute, as Grafana does: the same 24 h moved forward a step, the
  // clock a minute, through the API's engine, which keeps the steps older than the freshness.
  // The clock starts an hour before the data ends, so every refresh's new steps have samples.
  let clockMs = 0;
  const refreshing = createPrometheusApi(store, loadConfig({}), () => clockMs);
  const refresh = (q: string) => async () => {
    if (clockMs === 0) clockMs = (nowS - 3600) * 1000;
    clockMs += 60_000;
    const r = await refreshing
      .engine(DEFAULT_TENANT, { interactive: true })
      .rangeQuery(q, clockMs - DAY_S * 1000, clockMs, 60_000);
    return r.resultType === 'matrix' && r.result.length > 0 ? r : undefined;
  };
  const refreshOtlp = await timed(refresh('sum by (job) (rate(http_server_requests_total[5m]))'));
  clockMs = 0;
  const refreshDerived = await timed(refresh('sum by (service) (rate(traces_spanmetrics_calls_total[5m]))'));
  const f = (x: number) => x.toFixed(1);
  const figures = {
    series: SERIES,
    points_per_series: POINTS + 1,
    spans: SPANS,
    load_s: loadSeconds.toFixed(1),
    dashboard_otlp_p50_ms: f(dashboardOtlp.p50),
    dashboard_otlp_p95_ms: f(dashboardOtlp.p95),
    dashboard_otlp_heap_mb: f(dashboardOtlp.heapMb),
    dashboard_otlp_writing_p50_ms: f(writingOtlp.p50),
    dashboard_otlp_writing_p95_ms: f(writingOtlp.p95),
    dashboard_otlp_cold_index_p50_ms: f(coldOtlp.p50),
    dashboard_otlp_cold_index_p95_ms: f(coldOtlp.p95),
    dashboard_otlp_unrolled_p50_ms: f(unrolledOtlp.p50),
    metrics_rollup_ms_per_hour: f(metricsRollupMsPerHour),
    dashboard_derived_p50_ms: f(dashboardDerived.p50),
    dashboard_derived_p95_ms: f(dashboardDerived.p95),
    dashboard_derived_heap_mb: f(dashboardDerived.heapMb),
    derived_history_days: DERIVED_HISTORY_DAYS,
    dashboard_derived_unrolled_p50_ms: f(unrolledDerived.p50),
    derived_rollup_ms_per_hour: ((rollupS * 1000 * HOUR_MS) / (nowS * 1000 - first)).toFixed(1),
    histogram_quantile_1h_p50_ms: f(quantile.p50),
    histogram_quantile_1h_p95_ms: f(quantile.p95),
    histogram_quantile_1h_heap_mb: f(quantile.heapMb),
    dashboard_otlp_refresh_p50_ms: f(refreshOtlp.p50),
    dashboard_otlp_refresh_p95_ms: f(refreshOtlp.p95),
    dashboard_derived_refresh_p50_ms: f(refreshDerived.p50),
    dashboard_derived_refresh_p95_ms: f(refreshDerived.p95),
    // The whole process at its peak, ClickHouse's memory (in the same process) included.
    peak_rss_mb: (process.resourceUsage().maxRSS / 1024).toFixed(0),
  };
  console.log(
    `bench promql ${Object.entries(figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  const missed = [
    dashboardOtlp.p95 > TARGETS.dashboardP95Ms && 'dashboard_otlp_p95_ms',
    dashboardDerived.p95 > TARGETS.dashboardP95Ms && 'dashboard_derived_p95_ms',
    quantile.p95 > TARGETS.histogramQuantileP95Ms && 'histogram_quantile_1h_p95_ms',
  ].filter(Boolean);
  if (missed.length) console.log(`bench promql targets missed: ${missed.join(' ')}`);
} finally {
  await store.close();
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
