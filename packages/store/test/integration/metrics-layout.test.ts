// Migration 27: the metric tables sorted by tenant, metric, hour and series. A store written in
// the old layout is re-sorted on its next start and reads back the same points and series.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { Store } from '../../src/index';
import { METRICS_ORDER_BY, metricTimeSql } from '../../src/schema/metricsLayout';
import { relayoutTable } from '../../src/schema/relayout';
import { metricTables } from '../../src/schema/tables';
import { assertSameSeries, gaugePoint, histogramPoint, readSeries, storeOptions, tempDir } from '../fixtures';

const OLD_KEY = '(ServiceName, MetricName, toDateTime(TimeUnix))';
const HOUR_MS = 3_600_000;
const tables = Object.values(metricTables).map((t) => t.name);

async function sortingKeys(store: Store): Promise<string[]> {
  const rows = await store.sql.query<{ k: string }>(
    `SELECT sorting_key AS k FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)}
ORDER BY name`,
    { names: tables },
  );
  return rows.map((r) => `(${r.k})`);
}

/** Every stored point of every metric table, as text, in one order. */
async function allRows(store: Store): Promise<string[]> {
  const out: string[] = [];
  for (const t of tables) {
    const rows = await store.sql.query<Record<string, unknown>>(
      `SELECT * EXCEPT IngestTime, Tenant, SeriesId FROM ${t} ORDER BY TimeUnix, SeriesId`,
    );
    out.push(...rows.map((r) => `${t} ${JSON.stringify(r)}`));
  }
  return out;
}

test('migration 27 re-sorts metric tables of the old layout and keeps every point and series', async () => {
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));
  const now = Date.now();
  const ns = (ms: number) => String(BigInt(Math.round(ms)) * 1_000_000n);
  let store = await Store.open(storeOptions(dir));
  let before: string[];
  let seriesBefore: Awaited<ReturnType<typeof readSeries>>;
  const range = { startMs: now - 3 * HOUR_MS, endMs: now + 60_000, nowMs: now + 60_000 };
  try {
    assert.deepEqual(
      await sortingKeys(store),
      tables.map(() => METRICS_ORDER_BY),
    );
    // The tables as migration 26 left them, holding points of two hours, two tenants, several series.
    for (const t of tables) await relayoutTable(store.sql, t, OLD_KEY);
    assert.deepEqual(
      await sortingKeys(store),
      tables.map(() => OLD_KEY),
    );
    const at = [now - 2 * HOUR_MS, now - HOUR_MS - 30_000, now - 60_000, now];
    await store.writeMetrics({
      gauge: at.flatMap((t, i) =>
        ['a', 'b'].map((queue) =>
          gaugePoint({ Attributes: { queue }, Value: i * 10 + queue.length, IntValue: null, TimeUnix: ns(t) }),
        ),
      ),
      sum: [],
      histogram: at.map((t, i) =>
        histogramPoint({ TimeUnix: ns(t), BucketCounts: [`${i}`, `${2 * i}`, '1'], Count: `${3 * i + 1}` }),
      ),
      expHistogram: [],
      summary: [],
    });
    await store.writeMetrics(
      {
        gauge: [gaugePoint({ TimeUnix: ns(now), Value: 5, IntValue: null })],
        sum: [],
        histogram: [],
        expHistogram: [],
        summary: [],
      },
      'acme',
    );
    before = await allRows(store);
    assert.equal(before.length, 13);
    seriesBefore = await readSeries(
      store.prometheus({ derivedBoundsSeconds: [1], derivedStaleMs: 60_000 }),
      range,
      undefined,
    );
    assert.ok(seriesBefore.size >= 5, `series read: ${seriesBefore.size}`);
    await store.sql.command('ALTER TABLE schema_migrations DELETE WHERE version = 27 SETTINGS mutations_sync = 1');
  } finally {
    await store.close();
  }
  store = await Store.open(storeOptions(dir));
  try {
    assert.deepEqual(
      await sortingKeys(store),
      tables.map(() => METRICS_ORDER_BY),
    );
    assert.deepEqual(await allRows(store), before);
    const seriesAfter = await readSeries(
      store.prometheus({ derivedBoundsSeconds: [1], derivedStaleMs: 60_000 }),
      range,
      undefined,
    );
    assertSameSeries(seriesBefore, seriesAfter);
    const names = await store.sql.query<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = currentDatabase() AND (endsWith(name, '_relayout') OR endsWith(name, '_previous'))`,
    );
    assert.deepEqual(names, []);
  } finally {
    await store.close();
  }
});

test('a read of the last minutes of a metric takes the granules of its hour, not of its day', async () => {
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await Store.open(storeOptions(dir));
  try {
    // Three whole hours of one metric, 20,000 points each (~2.5 granules an hour).
    const hourStart = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 3 * HOUR_MS;
    await store.sql.command(
      `INSERT INTO metrics_gauge (Tenant, MetricName, TimeUnix, Value, Attributes)
SELECT '', 'queue.depth', fromUnixTimestamp64Milli(toInt64({start:Int64} + intDiv(number, 20000) * ${HOUR_MS} + (number % 20000) * 180)),
  number, map('queue', toString(number % 50))
FROM numbers(60000)`,
      { start: hourStart },
    );
    const granules = async (where: string[]) => {
      const plan = await store.sql.query<{ explain: string }>(
        `EXPLAIN indexes = 1 SELECT sum(Value) FROM metrics_gauge WHERE ${['Tenant = {tenant:String}', "MetricName = 'queue.depth'", ...where].join(' AND ')}`,
        { tenant: '', from: hourStart + 2 * HOUR_MS + 600_000, to: hourStart + 3 * HOUR_MS },
      );
      const read = plan.map((r) => /Parts: \d+ \| Granules: (\d+)/.exec(r.explain)).find((m) => m);
      assert.ok(read, plan.map((r) => r.explain).join('\n'));
      return Number(read[1]);
    };
    const all = await granules([]);
    const lastMinutes = await granules(
      metricTimeSql('fromUnixTimestamp64Milli({from:Int64})', 'fromUnixTimestamp64Milli({to:Int64})'),
    );
    assert.ok(all >= 7, `granules of the three hours: ${all}`);
    assert.ok(lastMinutes <= 4, `granules read for the last minutes: ${lastMinutes} of ${all}`);
    // The same bounds on the time alone are not narrowed by the key (why metricTimeSql adds the hour's).
    const timeOnly = await granules([
      'TimeUnix > fromUnixTimestamp64Milli({from:Int64})',
      'TimeUnix <= fromUnixTimestamp64Milli({to:Int64})',
    ]);
    assert.ok(timeOnly > lastMinutes, `time bounds alone read ${timeOnly} granules, with the hour's ${lastMinutes}`);
  } finally {
    await store.close();
  }
});
