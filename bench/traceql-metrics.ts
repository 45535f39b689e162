// npm run bench:traceql-metrics — `{ } | rate() by (resource.service.name)` over 24 h at a 60 s
// step (and two more TraceQL metrics queries) on an embedded store holding BENCH_SPANS kept spans
// over the day (default 5M: 95% of them 5%-baseline spans weighing 20, errors weighing 1) and
// BENCH_RECENT_SPANS spans of the last hour in the recent window (default 2M), generated inside
// ClickHouse with INSERT ... SELECT FROM numbers().
// Prints one `bench traceql-metrics key=value ...` line. The baseline, measured in the same run,
// is the least SQL that answers the same question (a count per minute and service of each
// table, no filter, no weights, no labels): `ratio` is what the compiled query costs over it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '@tracehouse/store';
import { parseMetrics } from '@tracehouse/traceql';

const SPANS = Number(process.env.BENCH_SPANS ?? 5_000_000);
const RECENT = Number(process.env.BENCH_RECENT_SPANS ?? 2_000_000);
const RUNS = Number(process.env.BENCH_ITERATIONS ?? 7);
const DAY = 86_400;
const STEP = 60;
const SERVICES = ['frontend', 'cart', 'checkout', 'payment', 'shipping', 'currency', 'email', 'ad', 'search', 'auth'];

const nowS = Math.floor(Date.now() / 1000);
const end = Math.ceil(nowS / STEP) * STEP;
const origin = end - DAY;

/** `count` spans evenly over [fromS, fromS + seconds): 2% errors, durations 1 ms .. 1.2 s. */
const spansSql = (table: string, weighted: boolean, count: number, fromS: number, seconds: number) => `
INSERT INTO ${table} (Timestamp, Duration, TraceId, SpanId, SpanName, SpanKind, ServiceName, ResourceAttributes,
  StatusCode${weighted ? ', AdjustedCount' : ''})
SELECT fromUnixTimestamp64Nano(toInt64(${fromS}) * 1000000000 + toInt64(number * ${Math.floor((seconds * 1e9) / count)})),
  toInt64(1000000 + h % 1200000000), lower(hex(sipHash128(number, 1))), lower(hex(sipHash64(number, 2))),
  'GET /', 'Server', service, map('service.name', service),
  if(h % 100 < 2, 'Error', 'Unset')${weighted ? ', if(h % 100 < 2, 1, 20)' : ''}
FROM (SELECT number, sipHash64(number, 9) AS h, arrayElement([${SERVICES.map((s) => `'${s}'`).join(', ')}],
  1 + h % ${SERVICES.length}) AS service FROM numbers(${count}))`;

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1]!;

async function timed(run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await run(); // warm
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

const dir = mkdtempSync(join(tmpdir(), 'tracehouse-bench-tqlm-'));
const store = await Store.open({
  dataDir: dir,
  retention: { spansRecent: 3600, spans: 30 * DAY, logs: 30 * DAY, metrics: 30 * DAY },
  writer: { batchRows: 5000, flushIntervalMs: 200, maxQueuedBytes: 64 * 1024 ** 2, maxInsertRows: 100_000 },
});
try {
  const t0 = performance.now();
  const chunk = 2_000_000;
  for (let from = 0; from < SPANS; from += chunk) {
    const n = Math.min(chunk, SPANS - from);
    await store.sql.command(spansSql('spans', true, n, origin + (DAY * from) / SPANS, (DAY * n) / SPANS));
  }
  await store.sql.command(spansSql('spans_recent', false, RECENT, nowS - 3600, 3600));
  await store.sql.command('OPTIMIZE TABLE spans FINAL');
  const loadS = (performance.now() - t0) / 1000;

  const run = (q: string) => () =>
    store.queryTraceQLMetrics({ tenant: 'default', query: parseMetrics(q), origin, end, step: STEP, now: nowS });
  const series = await run('{ } | rate() by (resource.service.name)')();
  const samples = series.reduce((n, s) => n + s.samples.length, 0);
  const rate = await timed(run('{ } | rate() by (resource.service.name)'));
  const errors = await timed(run('{ status = error } | rate() by (resource.service.name)'));
  const p95 = await timed(run('{ } | quantile_over_time(duration, 0.95) by (resource.service.name)'));
  // The baseline: counts per minute and service straight from both tables, split at the same cut.
  const cut = nowS - 3600;
  const baseline = await timed(() =>
    store.sql.query(
      `SELECT intDiv(toUnixTimestamp(Timestamp) - {o:Int64}, 60) AS b, ServiceName, count() FROM (
  SELECT Timestamp, ServiceName FROM spans WHERE Tenant = '' AND Timestamp >= toDateTime64({o:Int64}, 9) AND Timestamp < toDateTime64({c:Int64}, 9)
  UNION ALL
  SELECT Timestamp, ServiceName FROM spans_recent WHERE Tenant = '' AND Timestamp >= toDateTime64({c:Int64}, 9) AND Timestamp < toDateTime64({e:Int64}, 9)
) GROUP BY b, ServiceName`,
      { o: origin, c: cut, e: end },
      { priority: 'interactive', maxRows: 100_000 },
    ),
  );
  const f = (x: number) => x.toFixed(0);
  console.log(
    `bench traceql-metrics spans=${SPANS} recentSpans=${RECENT} steps=${DAY / STEP} series=${series.length} samples=${samples}` +
      ` loadS=${loadS.toFixed(1)} rateP50Ms=${f(rate.p50)} rateP95Ms=${f(rate.p95)}` +
      ` errorRateP50Ms=${f(errors.p50)} errorRateP95Ms=${f(errors.p95)}` +
      ` quantileP50Ms=${f(p95.p50)} quantileP95Ms=${f(p95.p95)}` +
      ` baselineP50Ms=${f(baseline.p50)} baselineP95Ms=${f(baseline.p95)} ratio=${(rate.p50 / baseline.p50).toFixed(2)}`,
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
