// npm run bench:traceql-metrics — `{ } | rate() by (resource.service.name)` over 24 h at a 60 s
// step (and with 100 exemplars, and two more TraceQL metrics queries) on an embedded store holding BENCH_SPANS kept spans
// over the day (default 5M: 95% of them 5%-baseline spans weighing 20, errors weighing 1) and
// BENCH_RECENT_SPANS spans of the last hour in the recent window (default 2M), generated inside
// ClickHouse with INSERT ... SELECT FROM numbers().
// Prints one `bench traceql-metrics key=value ...` line. The baseline, run alternately with each
// query in the same run, is the least SQL that answers the rate question (a count per minute and
// service of each table, no filter, no weights, no labels): each `*Ratio` is a query's p50 over
// the baseline's.
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

/**
 * p50/p95 of a query and of the baseline, run alternately (query, baseline, query, ...), so
 * the load of a shared machine weighs on both alike and their ratio holds.
 */
async function timedAgainst(run: () => Promise<unknown>, baseline: () => Promise<unknown>) {
  await run(); // warm
  await baseline();
  const ms: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [f, into] of [
      [run, ms],
      [baseline, base],
    ] as const) {
      const t0 = performance.now();
      await f();
      into.push(performance.now() - t0);
    }
  }
  return {
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    ratio: percentile(ms, 50) / percentile(base, 50),
    baseP50: percentile(base, 50),
  };
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

  const run =
    (q: string, exemplars = 0) =>
    () =>
      store.queryTraceQLMetrics({
        tenant: 'default',
        query: parseMetrics(q),
        origin,
        end,
        step: STEP,
        now: nowS,
        exemplars,
      });
  const series = await run('{ } | rate() by (resource.service.name)')();
  const samples = series.reduce((n, s) => n + s.samples.length, 0);
  // The baseline: counts per minute and service straight from both tables, split at the same cut.
  const cut = nowS - 3600;
  const baseline = () =>
    store.sql.query(
      `SELECT intDiv(toUnixTimestamp(Timestamp) - {o:Int64}, 60) AS b, ServiceName, count() FROM (
  SELECT Timestamp, ServiceName FROM spans WHERE Tenant = '' AND Timestamp >= toDateTime64({o:Int64}, 9) AND Timestamp < toDateTime64({c:Int64}, 9)
  UNION ALL
  SELECT Timestamp, ServiceName FROM spans_recent WHERE Tenant = '' AND Timestamp >= toDateTime64({c:Int64}, 9) AND Timestamp < toDateTime64({e:Int64}, 9)
) GROUP BY b, ServiceName`,
      { o: origin, c: cut, e: end },
      { priority: 'interactive', maxRows: 100_000 },
    );
  const rate = await timedAgainst(run('{ } | rate() by (resource.service.name)'), baseline);
  const errors = await timedAgainst(run('{ status = error } | rate() by (resource.service.name)'), baseline);
  const withExemplars = await timedAgainst(run('{ } | rate() by (resource.service.name)', 100), baseline);
  const p95 = await timedAgainst(run('{ } | quantile_over_time(duration, 0.95) by (resource.service.name)'), baseline);
  const f = (x: number) => x.toFixed(0);
  console.log(
    `bench traceql-metrics spans=${SPANS} recentSpans=${RECENT} steps=${DAY / STEP} series=${series.length} samples=${samples}` +
      ` loadS=${loadS.toFixed(1)} rateP50Ms=${f(rate.p50)} rateP95Ms=${f(rate.p95)} baselineP50Ms=${f(rate.baseP50)} rateRatio=${rate.ratio.toFixed(2)}` +
      ` exemplarsP50Ms=${f(withExemplars.p50)} exemplarsP95Ms=${f(withExemplars.p95)} exemplarsRatio=${withExemplars.ratio.toFixed(2)}` +
      ` errorRateP50Ms=${f(errors.p50)} errorRateP95Ms=${f(errors.p95)} errorRateRatio=${errors.ratio.toFixed(2)}` +
      ` quantileP50Ms=${f(p95.p50)} quantileP95Ms=${f(p95.p95)} quantileRatio=${p95.ratio.toFixed(2)}`,
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
