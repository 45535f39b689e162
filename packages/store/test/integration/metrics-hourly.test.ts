// OTLP metric points rolled up per series and hour (migration 23): a PromQL read takes whole
// hours from one row per series and hour and answers exactly what reading every point answered,
// late points included, whatever the hours rolled up, twice or not at all.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  DEFAULT_TENANT,
  HOUR_MS,
  METRICS_HOURLY_WATERMARK,
  type PromSeries,
  type Store,
  tenantKey,
} from '../../src/index';
import { assertSameSeries, loadedPromStore, readSeries } from '../fixtures';

const MIN = 60_000;
const DAY_MS = 24 * HOUR_MS;
/** Two whole UTC days before today. */
const D0 = Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * DAY_MS;
const END = D0 + 2 * DAY_MS;
/** Every point is ingested this long after its time, as a live exporter's are. */
const INGEST_DELAY = 'toIntervalSecond(7)';

/**
 * Points every 30 s (a counter, a gauge, a histogram and a summary per series, their series
 * starting and stopping at different times), and `flaky`'s every 45 s with a 10-minute gap.
 */
async function load(store: Store): Promise<void> {
  const tenant = `'${tenantKey(DEFAULT_TENANT)}'`;
  const common = (service: string, from: number, count: number, every = 30_000) => `
SELECT 'svc' AS ServiceName, map('service.name', '${service}') AS ResourceAttributes, 'test' AS ScopeName,
  map('route', concat('/r', toString(p % 2))) AS Attributes, fromUnixTimestamp64Milli(toInt64(${D0})) AS StartTimeUnix,
  fromUnixTimestamp64Milli(toInt64(${from} + p * ${every})) AS TimeUnix, TimeUnix + ${INGEST_DELAY} AS IngestTime, p,
  ${tenant} AS Tenant
FROM (SELECT number AS p FROM numbers(${count}))`;
  const series = (service: string, from: number, count: number, every?: number) =>
    Promise.all([
      store.sql.command(`INSERT INTO metrics_sum (ServiceName, ResourceAttributes, ScopeName, MetricName, MetricUnit,
  Attributes, StartTimeUnix, TimeUnix, IngestTime, Value, AggregationTemporality, IsMonotonic, Tenant)
SELECT ServiceName, ResourceAttributes, ScopeName, 'requests', '', Attributes, StartTimeUnix, TimeUnix, IngestTime,
  p * 3 + p % 5, 2, true, Tenant FROM (${common(service, from, count, every)})`),
      // A counter that resets every 50 minutes: inside hours, and checkout's /r0 between 05:00 and
      // 05:01 (the last point of an hour and the first of the next) and between 30:00 and 30:01.
      store.sql.command(`INSERT INTO metrics_sum (ServiceName, ResourceAttributes, ScopeName, MetricName, MetricUnit,
  Attributes, StartTimeUnix, TimeUnix, IngestTime, Value, AggregationTemporality, IsMonotonic, Tenant)
SELECT ServiceName, ResourceAttributes, ScopeName, 'restarts', '', Attributes, StartTimeUnix, TimeUnix, IngestTime,
  (p + 98) % 100, 2, true, Tenant FROM (${common(service, from, count, every)})`),
      store.sql.command(`INSERT INTO metrics_gauge (ServiceName, ResourceAttributes, ScopeName, MetricName, MetricUnit,
  Attributes, StartTimeUnix, TimeUnix, IngestTime, Value, IntValue, Tenant)
SELECT ServiceName, ResourceAttributes, ScopeName, 'queue.depth', '', Attributes, StartTimeUnix, TimeUnix, IngestTime,
  0, if(p % 3 = 0, NULL, p % 17), Tenant FROM (${common(service, from, count, every)})`),
      // Integers whose differences need 8, 16 or 32 bits, or more, by the hour (migration 24).
      store.sql.command(`INSERT INTO metrics_gauge (ServiceName, ResourceAttributes, ScopeName, MetricName, MetricUnit,
  Attributes, StartTimeUnix, TimeUnix, IngestTime, Value, Tenant)
SELECT ServiceName, ResourceAttributes, ScopeName, 'memory', 'By', Attributes, StartTimeUnix, TimeUnix, IngestTime,
  (p - 50) * pow(100, intDiv(p, 120) % 6), Tenant FROM (${common(service, from, count, every)})`),
      store.sql.command(`INSERT INTO metrics_histogram (ServiceName, ResourceAttributes, ScopeName, MetricName, MetricUnit,
  Attributes, StartTimeUnix, TimeUnix, IngestTime, Count, Sum, BucketCounts, ExplicitBounds, AggregationTemporality, Tenant)
SELECT ServiceName, ResourceAttributes, ScopeName, 'latency', 's', Attributes, StartTimeUnix, TimeUnix, IngestTime,
  p * 2, if(p % 7 = 0, NULL, p * 0.25), [p, p], [0.5], 2, Tenant FROM (${common(service, from, count, every)})`),
      store.sql.command(`INSERT INTO metrics_summary (ServiceName, ResourceAttributes, ScopeName, MetricName, MetricUnit,
  Attributes, StartTimeUnix, TimeUnix, IngestTime, Count, Sum, \`ValueAtQuantiles.Quantile\`, \`ValueAtQuantiles.Value\`, Tenant)
SELECT ServiceName, ResourceAttributes, ScopeName, 'sizes', 'By', Attributes, StartTimeUnix, TimeUnix, IngestTime,
  p, p * 10.5, [0.5], [p], Tenant FROM (${common(service, from, count, every)})`),
    ]);
  // checkout: both days; cart: from 13:10 of day 1; search: until 05:00:30 of day 1.
  await series('checkout', D0, 2 * 2880);
  await series('cart', D0 + DAY_MS - 650 * MIN + 15_000, 1000);
  await series('search', D0, 601);
  // fresh: starts after the hours the tests roll up (31:00 after D0).
  await series('fresh', D0 + 31 * HOUR_MS, 600);
  // flaky: every 45 s, so its times in an hour are not all a step apart; a gap of 10 minutes.
  await series('flaky', D0 + 30 * MIN, 100, 45_000);
  await series('flaky', D0 + 30 * MIN + 100 * 45_000 + 10 * MIN, 100, 45_000);
}

describe('OTLP metric points rolled up per hour', () => {
  const loaded = loadedPromStore(load);
  /** Ranges starting and ending inside hours, with their reads before any roll-up. */
  const ranges: [number, number][] = [
    [D0 + 7 * HOUR_MS + 13 * MIN, END],
    [D0 + 20 * MIN + 7_000, D0 + DAY_MS + 31 * MIN],
    [D0 + 125 * MIN, D0 + 127 * MIN],
    [D0 + 29 * MIN, D0 + 3 * HOUR_MS + 59 * MIN],
    // Each across one reset of checkout's `restarts`: inside an hour (at 00:50); where one hour
    // ends and the next begins (05:00); where the hours rolled up end and the points after them begin (30:00).
    [D0 + 40 * MIN, D0 + 58 * MIN],
    [D0 + 5 * HOUR_MS - 5 * MIN, D0 + 5 * HOUR_MS + 10 * MIN],
    [D0 + 30 * HOUR_MS - 5 * MIN, D0 + 30 * HOUR_MS + 10 * MIN],
  ];
  let baseline: Map<string, PromSeries>[];
  before(async () => {
    baseline = await Promise.all(ranges.map(([start, end]) => read(start, end)));
  });

  /** Every series over (start, end], by metric name and labels. */
  const read = (startMs: number, endMs: number) => readSeries(loaded.prom, { startMs, endMs, nowMs: END }, undefined);
  const same = assertSameSeries;
  /** Rolls up the hours [fromHour, toHour) after D0, and moves the watermark to the end of the last. */
  const rollUp = async (fromHour: number, toHour: number) => {
    for (let h = fromHour; h < toHour; h++) await loaded.store.rollUpMetricsHour(D0 + h * HOUR_MS);
    await loaded.store.state.writeWatermarkMs(METRICS_HOURLY_WATERMARK, D0 + toHour * HOUR_MS);
  };
  const names = (m: Map<string, PromSeries>) => new Set([...m.values()].map((s) => s.labels.__name__));

  test('reads after rolling up 30 hours equal the reads of every point; twice rolled up, the same', async () => {
    assert.deepEqual([...names(baseline[0]!)].sort(), [
      'latency_seconds_bucket',
      'latency_seconds_count',
      'latency_seconds_sum',
      'memory_bytes',
      'queue_depth',
      'requests_total',
      'restarts_total',
      'sizes_bytes',
      'sizes_bytes_count',
      'sizes_bytes_sum',
    ]);
    await rollUp(0, 30);
    // Every way an hour's values are kept is read: as differences of each width, and as Float64.
    const [kept] = await loaded.store.sql.query<Record<string, number>>(
      `SELECT countIf(notEmpty(ValuesInt8)) AS i8, countIf(notEmpty(ValuesInt16)) AS i16,
        countIf(notEmpty(ValuesInt32)) AS i32, countIf(notEmpty(Values) AND NOT ValuesFloat32) AS f64,
        countIf(notEmpty(CountsInt8)) AS counts FROM metrics_hourly FINAL`,
    );
    for (const [how, rows] of Object.entries(kept!)) assert.ok(Number(rows) > 0, `no hour kept as ${how}`);
    for (const [i, [start, end]] of ranges.entries()) same(baseline[i]!, await read(start, end));
    await rollUp(10, 30);
    for (const [i, [start, end]] of ranges.entries()) same(baseline[i]!, await read(start, end));
  });

  test('a series said to never decrease does not, read from hours, points after them or both', async () => {
    await rollUp(0, 30);
    let flagged = 0;
    for (const [start, end] of ranges)
      for (const [key, s] of await read(start, end)) {
        const decreases = s.v.some((v, i) => i > 0 && v < s.v[i - 1]!);
        if (s.monotonic) assert.ok(!decreases, `${key} is said to never decrease`);
        // A count (its values integers, kept as differences) read across the last rolled hour.
        if (
          s.labels.__name__ === 'sizes_bytes_count' &&
          s.t[0]! < D0 + 30 * HOUR_MS &&
          s.t.at(-1)! > D0 + 30 * HOUR_MS
        ) {
          assert.ok(s.monotonic, `${key} never decreases and is read from its hours and after them: known`);
          flagged++;
        }
      }
    assert.ok(flagged > 0);
  });

  test('the hours rolled up are read from their rows, not from the points', async () => {
    await rollUp(0, 30);
    const under = `TimeUnix <= fromUnixTimestamp64Milli(${D0 + 30 * HOUR_MS})`;
    await loaded.store.sql.command(
      `ALTER TABLE metrics_sum UPDATE Value = -1 WHERE ${under} SETTINGS mutations_sync = 2`,
    );
    await loaded.store.sql.command(
      `ALTER TABLE metrics_gauge UPDATE IntValue = 99 WHERE ${under} SETTINGS mutations_sync = 2`,
    );
    await loaded.store.sql.command(
      `ALTER TABLE metrics_summary UPDATE Count = 0, Sum = 0 WHERE ${under} SETTINGS mutations_sync = 2`,
    );
    // Buckets and quantiles (a sample per element) are still read from the points.
    const scalar = (m: Map<string, PromSeries>) =>
      new Map([...m].filter(([, s]) => !s.labels.__name__!.endsWith('_bucket') && s.labels.__name__ !== 'sizes_bytes'));
    for (const [i, [start, end]] of ranges.entries()) {
      const now = scalar(await read(start, end));
      assert.ok([...now.values()].some((s) => s.labels.__name__ === 'requests_total' && s.t.length > 0));
      same(scalar(baseline[i]!), now);
    }
  });

  test('a point that arrives after its hour was rolled up is read once, and still once after the hour is rolled up again', async () => {
    await rollUp(0, 30);
    const at = D0 + 2 * HOUR_MS + 10 * MIN + 5_000;
    // A Collector's retry, ingested now: hours after the hour's end plus LATE_MS.
    await loaded.store.sql.command(`INSERT INTO metrics_sum (ServiceName, ResourceAttributes, ScopeName, MetricName, MetricUnit,
  Attributes, StartTimeUnix, TimeUnix, Value, AggregationTemporality, IsMonotonic, Tenant)
VALUES ('svc', map('service.name', 'late'), 'test', 'requests', '', map(), fromUnixTimestamp64Milli(${D0}),
  fromUnixTimestamp64Milli(${at}), 42, 2, true, '${tenantKey(DEFAULT_TENANT)}')`);
    const late = (m: Map<string, PromSeries>) =>
      [...m.values()].filter((s) => s.labels.__name__ === 'requests_total' && s.labels.job === 'late');
    for (let round = 0; round < 2; round++) {
      const [series] = late(await read(D0 + 2 * HOUR_MS, D0 + 3 * HOUR_MS));
      assert.deepEqual(Array.from(series?.t ?? []), [at]);
      assert.deepEqual(Array.from(series?.v ?? []), [42]);
      await rollUp(2, 3);
    }
  });
});
