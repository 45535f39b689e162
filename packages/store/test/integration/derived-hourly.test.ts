// The derived metrics summed per hour (migration 21): a PromQL read of a derived counter takes
// the hours before its range from the hourly sums and answers exactly what summing every
// interval answered, whatever the hours rolled up, twice or not at all.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  DEFAULT_TENANT,
  DERIVED_HOURLY_WATERMARK,
  HOUR_MS,
  type PromSeries,
  type Store,
  tenantKey,
} from '../../src/index';
import { assertSameSeries, loadedPromStore, readSeries } from '../fixtures';

const MIN = 60_000;
const DAY_MS = 24 * HOUR_MS;
/** Three whole UTC days before today. */
const D0 = Math.floor(Date.now() / DAY_MS) * DAY_MS - 3 * DAY_MS;
const END = D0 + 3 * DAY_MS;

const NAMES = [
  'traces_spanmetrics_calls_total',
  'traces_spanmetrics_latency_bucket',
  'traces_spanmetrics_latency_sum',
  'traces_spanmetrics_latency_count',
  'traces_service_graph_request_total',
  'traces_service_graph_request_failed_total',
  'traces_service_graph_request_server_seconds_bucket',
];

/** One-minute intervals of series that live over different days; some rows stored twice. */
async function load(store: Store): Promise<void> {
  const tenant = `'${tenantKey(DEFAULT_TENANT)}'`;
  const span = (key: string, service: string, fromMin: number, count: number) => `
INSERT INTO span_metrics (WindowStart, WindowEnd, SeriesKey, ServiceName, SpanName, SpanKind, StatusCode, Dimensions,
  Overflow, Calls, LatencySum, LatencyBuckets, Tenant)
SELECT fromUnixTimestamp64Milli(toInt64(${D0} + m * ${MIN})), fromUnixTimestamp64Milli(toInt64(${D0} + (m + 1) * ${MIN})),
  '${key}', '${service}', 'GET /', 'server', 'ok', map('region', 'eu'), false,
  1 + m % 5, (m % 7) * 0.25, [m % 3, m % 2, 1], ${tenant}
FROM (SELECT ${fromMin} + number AS m FROM numbers(${count}))`;
  // checkout: all three days; cart: from the middle of day 2; search: day 1 only (gone since).
  await store.sql.command(span('k-checkout', 'checkout', 0, 3 * 1440));
  await store.sql.command(span('k-cart', 'cart', 1440 + 700, 1440 + 740));
  await store.sql.command(span('k-search', 'search', 100, 1000));
  // A second stored series with checkout's labels (day 2 from 01:40): one series of two.
  await store.sql.command(span('k-checkout-2', 'checkout', 1440 + 100, 500));
  // payment: a gap inside an hour (10:20-10:40 of day 2), so that hour's interval ends are not regular.
  await store.sql.command(span('k-payment', 'payment', 1440 + 540, 80));
  await store.sql.command(span('k-payment', 'payment', 1440 + 640, 80));
  // billing: begins on day 3 at 13:20, after every hour the tests roll up (labels from its intervals).
  await store.sql.command(span('k-billing', 'billing', 2 * 1440 + 800, 200));
  // A second stored series with cart's labels, from day 3 at 13:00, also after every hour rolled
  // up: its intervals join cart's, read after the hours.
  await store.sql.command(span('k-cart-2', 'cart', 2 * 1440 + 780, 120));
  // A re-run interval (after a crash) writes the same rows again: FINAL folds them.
  await store.sql.command(span('k-checkout', 'checkout', 1440 + 10, 30));
  await store.sql.command(`
INSERT INTO service_graph_edges (WindowStart, WindowEnd, Client, Server, ConnectionType, VirtualNode, Overflow, Requests,
  Failed, ServerLatencySum, ServerLatencyBuckets, ClientLatencySum, ClientLatencyBuckets, Tenant)
SELECT fromUnixTimestamp64Milli(toInt64(${D0} + m * ${MIN})), fromUnixTimestamp64Milli(toInt64(${D0} + (m + 1) * ${MIN})),
  'frontend', 'checkout', '', '', false, 2 + m % 3, m % 4 = 0, m * 0.01, [m % 2, 1, 0], 0.5, [1, 0, 0], ${tenant}
FROM (SELECT 30 + number AS m FROM numbers(${3 * 1440 - 60}))`);
}

describe('derived metrics summed per hour', () => {
  const loaded = loadedPromStore(load);
  /** Day 3 from 07:13, read before any hour is summed. */
  const DAY3 = D0 + 2 * DAY_MS + 433 * MIN;
  let unrolled: Map<string, PromSeries>;
  /**
   * Ranges that start and end inside hours that will be summed (07:13 to 09:47 of day 3, 23:59 of
   * day 1 to 00:31 of day 2, two minutes of one hour, payment's gap, and one that starts in it,
   * where the counter repeats its value until it is stale),
   * with their reads before any roll-up.
   */
  const inside: [number, number][] = [
    [DAY3, D0 + 2 * DAY_MS + 587 * MIN],
    [D0 + 1439 * MIN, D0 + DAY_MS + 31 * MIN],
    [D0 + DAY_MS + 125 * MIN, D0 + DAY_MS + 127 * MIN],
    [D0 + DAY_MS + 610 * MIN, D0 + DAY_MS + 650 * MIN],
    [D0 + DAY_MS + 625 * MIN, D0 + DAY_MS + 700 * MIN],
  ];
  let insideUnrolled: Map<string, PromSeries>[];
  before(async () => {
    unrolled = await read(DAY3);
    insideUnrolled = await Promise.all(inside.map(([start, end]) => read(start, end)));
  });

  /** Every derived series over (start, end], by metric name and labels. */
  const read = (startMs: number, endMs = END) => readSeries(loaded.prom, { startMs, endMs, nowMs: END }, NAMES);
  const same = assertSameSeries;
  /** Sums the hours [fromHour, toHour) after D0, and moves the watermark to the end of the last. */
  const rollUp = async (fromHour: number, toHour: number) => {
    for (let h = fromHour; h < toHour; h++) await loaded.store.rollUpDerivedHour(D0 + h * HOUR_MS);
    await loaded.store.state.writeWatermarkMs(DERIVED_HOURLY_WATERMARK, D0 + toHour * HOUR_MS);
  };

  test('reads after rolling up the first two and a half days equal the reads of every interval', async () => {
    const ranges = [DAY3, D0 + 2 * DAY_MS, D0 + DAY_MS + 1000 * MIN, D0 + 50 * MIN];
    const before = await Promise.all(ranges.map((start) => read(start)));
    assert.ok(before[0]!.size >= 10, `${before[0]!.size} series`);
    // The counters carry everything before the range: checkout's calls count from day 1.
    const checkout = [...before[0]!.entries()].find(
      ([k]) => k.includes('traces_spanmetrics_calls_total') && k.includes('checkout'),
    )![1];
    assert.ok(checkout.v[0]! > 2 * 1440, `${checkout.v[0]}`);

    await rollUp(0, 60);
    // Counts are kept as integers (their differences, migration 24), latency sums as Float64.
    const [kept] = await loaded.store.sql.query<Record<string, number>>(
      `SELECT countIf(notEmpty(IntervalCallsInt8) AND empty(IntervalCalls)) AS ints,
        countIf(notEmpty(IntervalLatencySum)) AS floats FROM span_metrics_hourly FINAL`,
    );
    for (const [how, rows] of Object.entries(kept!)) assert.ok(Number(rows) > 0, `no hour kept as ${how}`);
    for (const [i, start] of ranges.entries()) same(before[i]!, await read(start));
    // Hours summed twice (a crash before the watermark moved) change nothing.
    await rollUp(40, 60);
    for (const [i, start] of ranges.entries()) same(before[i]!, await read(start));
    // Running totals of counts never decrease, and say so (rate() then skips its scan for resets).
    for (const series of before)
      for (const [key, s] of series) {
        assert.ok(!s.monotonic || !s.v.some((v, i) => i > 0 && v < s.v[i - 1]!), `${key} is said to never decrease`);
        if (key.includes('traces_spanmetrics_calls_total')) assert.equal(s.monotonic, true, key);
      }
  });

  test('the hours summed are read from the hourly table, not from the intervals', async () => {
    await rollUp(0, 60);
    // With the first day's intervals gone, a read of day 3 still counts them.
    await loaded.store.sql.command(
      `ALTER TABLE span_metrics DELETE WHERE WindowEnd <= fromUnixTimestamp64Milli(${D0 + DAY_MS}) SETTINGS mutations_sync = 2`,
    );
    await loaded.store.sql.command(
      `ALTER TABLE service_graph_edges DELETE WHERE WindowEnd <= fromUnixTimestamp64Milli(${D0 + DAY_MS}) SETTINGS mutations_sync = 2`,
    );
    same(unrolled, await read(DAY3));
  });

  test('the samples of the hours summed are read from their rows, not from the intervals', async () => {
    await rollUp(0, 60);
    // Every value of the intervals under the watermark changed: reads of the summed hours must not see it.
    const under = `WindowEnd <= fromUnixTimestamp64Milli(${D0 + 60 * HOUR_MS})`;
    await loaded.store.sql.command(
      `ALTER TABLE span_metrics UPDATE Calls = Calls + 1000, LatencySum = 0, LatencyBuckets = [7, 7, 7] WHERE ${under} SETTINGS mutations_sync = 2`,
    );
    await loaded.store.sql.command(
      `ALTER TABLE service_graph_edges UPDATE Requests = 0, Failed = 9, ServerLatencySum = 1e9, ServerLatencyBuckets = [0, 0, 5] WHERE ${under} SETTINGS mutations_sync = 2`,
    );
    // Bucket series (one sample per bucket) are still read from the intervals.
    const scalar = (m: Map<string, PromSeries>) =>
      new Map([...m].filter(([, s]) => !s.labels.__name__!.endsWith('_bucket')));
    for (const [i, [start, end]] of inside.entries()) {
      const now = scalar(await read(start, end));
      // Not vacuous: the ranges hold samples of the summed counters.
      assert.ok(
        [...now.values()].some((s) => s.t.length > 0 && s.labels.__name__ === 'traces_spanmetrics_calls_total'),
      );
      same(scalar(insideUnrolled[i]!), now);
    }
    // The roll-up kept each hour's step between interval ends, 0 for payment's hour with a gap.
    const [steps] = await loaded.store.sql.query<Record<string, number>>(
      `SELECT countIf(IntervalStep = ${MIN}) AS regular, countIf(IntervalStep = 0 AND ServiceName = 'payment') AS gap,
        countIf(IntervalStep < 0) AS unknown FROM span_metrics_hourly FINAL`,
    );
    assert.ok(
      Number(steps!.regular) > 0 && Number(steps!.gap) === 1 && Number(steps!.unknown) === 0,
      JSON.stringify(steps),
    );
    // Hours summed before migration 25 have no step (-1): reads work it out and read the same.
    await loaded.store.sql.command(
      'ALTER TABLE span_metrics_hourly UPDATE IntervalStep = -1 WHERE 1 SETTINGS mutations_sync = 2',
    );
    for (const [i, [start, end]] of inside.entries()) same(scalar(insideUnrolled[i]!), scalar(await read(start, end)));
  });
});
