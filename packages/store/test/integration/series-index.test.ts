// The series index (prometheus/seriesIndex.ts): a PromQL read of whole hours takes the label sets
// of the stored series it knows from memory instead of a series statement, and answers exactly
// what a read without it answers: under every kind of matcher, for a series that began since it
// learned, and per tenant.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  DEFAULT_TENANT,
  HOUR_MS,
  METRICS_HOURLY_WATERMARK,
  type PromMatcher,
  type Store,
  tenantKey,
} from '../../src/index';
import { loadedPromStore } from '../fixtures';

const MIN = 60_000;
/** Three whole hours, the last of them ending 2 h ago (so the first two can be rolled up). */
const H0 = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 5 * HOUR_MS;
const END = H0 + 3 * HOUR_MS;

/** A counter every 30 s over (from, until]: `services` x 3 routes, in `tenant`. */
async function counters(store: Store, tenant: string, services: string[], from = H0, until = END): Promise<void> {
  const list = services.map((s) => `'${s}'`).join(', ');
  await store.sql.command(`INSERT INTO metrics_sum (ServiceName, ResourceAttributes, ScopeName, MetricName, MetricUnit,
  Attributes, StartTimeUnix, TimeUnix, IngestTime, Value, AggregationTemporality, IsMonotonic, Tenant)
SELECT svc, map('service.name', svc), 'test', 'requests', '', map('route', concat('/r', toString(r))),
  fromUnixTimestamp64Milli(toInt64(${H0})), fromUnixTimestamp64Milli(toInt64(${from} + p * 30000)) AS t,
  t + toIntervalSecond(3), p * (r + 1), 2, true, '${tenantKey(tenant)}'
FROM (SELECT arrayJoin([${list}]) AS svc, arrayJoin([0, 1, 2]) AS r, number AS p FROM numbers(${(until - from) / 30_000}))`);
}

describe('PromQL reads through the series index', () => {
  const loaded = loadedPromStore(async (store) => {
    await counters(store, DEFAULT_TENANT, ['checkout', 'cart', 'search']);
    await counters(store, 'acme', ['billing']);
    for (const h of [0, 1]) await store.rollUpMetricsHour(H0 + h * HOUR_MS);
    await store.state.writeWatermarkMs(METRICS_HOURLY_WATERMARK, H0 + 2 * HOUR_MS);
  });
  /** Series statements run (the statement that builds label sets: `GROUP BY lbl`). */
  let seriesStatements = 0;
  beforeEach(() => {
    loaded.store.seriesIndex.clear();
    const sql = loaded.store.sql;
    if ((sql.query as { counted?: boolean }).counted) return;
    const query = sql.query.bind(sql);
    sql.query = Object.assign(
      async <T>(text: string, ...rest: unknown[]) => {
        if (text.includes('GROUP BY lbl')) seriesStatements++;
        return query<T>(text, ...(rest as [])) as Promise<T[]>;
      },
      { counted: true },
    );
  });

  /** `requests_total` over the three hours (two of them rolled up): series by labels, with their values. */
  const read = async (matchers: PromMatcher[] = [], tenant = DEFAULT_TENANT, startMs = H0 + 10 * MIN) => {
    const q = { tenant, matchers, startMs, endMs: END, nowMs: END };
    const series = await loaded.prom.select(
      { ...q, maxSeries: 1_000, maxSamples: 1_000_000, timeoutMs: 30_000 },
      (name) => name === 'requests_total',
    );
    return new Map(series.map((s) => [JSON.stringify(Object.entries(s.labels).sort()), Array.from(s.v)]));
  };

  test('a read the index answers equals the read that taught it, under every kind of matcher', async () => {
    const cases: PromMatcher[][] = [
      [],
      [{ name: 'job', type: '=', value: 'cart' }],
      [{ name: 'job', type: '!=', value: 'cart' }],
      [{ name: 'route', type: '=~', value: '/r0|/r2' }],
      [{ name: 'route', type: '!~', value: '/r.*1' }],
      [{ name: 'instance', type: '=', value: '' }],
      [
        { name: 'job', type: '=~', value: 'c.*' },
        { name: 'route', type: '!=', value: '/r1' },
      ],
    ];
    // The three hours, and the last half hour (no hour of it rolled up: read from the points).
    for (const startMs of [H0 + 10 * MIN, END - 30 * MIN])
      for (const matchers of cases) {
        const what = `${JSON.stringify(matchers)} from ${(startMs - H0) / MIN} min`;
        loaded.store.seriesIndex.clear();
        const before = seriesStatements;
        const cold = await read(matchers, DEFAULT_TENANT, startMs);
        assert.equal(seriesStatements, before + 1);
        assert.ok(cold.size > 0);
        const warm = await read(matchers, DEFAULT_TENANT, startMs);
        assert.equal(seriesStatements, before + 1, `${what}: answered from the index`);
        assert.deepEqual(warm, cold, what);
        // What a read without matchers learned answers the read with them too.
        loaded.store.seriesIndex.clear();
        await read();
        assert.deepEqual(await read(matchers, DEFAULT_TENANT, startMs), cold, what);
      }
    assert.equal((await read()).size, 9);
  });

  test('a regex JS and ClickHouse may read differently goes to the series statement', async () => {
    await read();
    const before = seriesStatements;
    const matchers: PromMatcher[] = [{ name: 'route', type: '=~', value: '/r[0-1]' }];
    const r = await read(matchers);
    assert.equal(seriesStatements, before + 1);
    assert.deepEqual([...r.keys()].length, 6);
  });

  test('a series the index does not know is read, whether in the hours or after them, and learned', async () => {
    assert.equal((await read()).size, 9);
    // A new service in the last hour only (not rolled up).
    await counters(loaded.store, DEFAULT_TENANT, ['payments'], END - 20 * MIN);
    const withNew = await read();
    assert.equal(withNew.size, 12);
    // A new service in the first two hours only, rolled up again (a late writer), unknown to an
    // index that has just learned (no read after a miss pending).
    loaded.store.seriesIndex.clear();
    assert.deepEqual(await read(), withNew);
    await counters(loaded.store, DEFAULT_TENANT, ['ledger'], H0, H0 + 2 * HOUR_MS);
    for (const h of [0, 1]) await loaded.store.rollUpMetricsHour(H0 + h * HOUR_MS);
    const withLate = await read();
    assert.equal(withLate.size, 15);
    const learned = seriesStatements;
    assert.deepEqual(await read(), withLate);
    // The reads right after one that met a series the index did not know go to the store.
    assert.ok(seriesStatements > learned);
    loaded.store.seriesIndex.clear();
    assert.deepEqual(await read(), withLate);
  });

  test('a metric with more series than a query may select is not learned, and not listed whole again', async () => {
    const few = async () => {
      const q = { tenant: DEFAULT_TENANT, matchers: [{ name: 'job', type: '=', value: 'cart' }] as PromMatcher[] };
      const series = await loaded.prom.select(
        {
          ...q,
          startMs: H0 + 10 * MIN,
          endMs: END,
          nowMs: END,
          maxSeries: 5,
          maxSamples: 1_000_000,
          timeoutMs: 30_000,
        },
        (name) => name === 'requests_total',
      );
      return series.length;
    };
    const statements = async () => {
      const before = seriesStatements;
      assert.equal(await few(), 3);
      return seriesStatements - before;
    };
    // More than 5 series: listed whole once (and refused), then read with the matchers; the
    // next read with the matchers only.
    const first = await statements();
    const next = await statements();
    assert.ok(next < first, `${next} statements, then ${first}`);
    assert.equal(await statements(), next);
    assert.equal(loaded.store.seriesIndex.series, 0);
  });

  test('each tenant reads its own series, whatever the index learned from another', async () => {
    const mine = await read();
    const theirs = await read([], 'acme');
    assert.deepEqual(
      [...theirs.keys()].map((k) => new Map(JSON.parse(k)).get('job')),
      ['billing', 'billing', 'billing'],
    );
    assert.deepEqual(await read(), mine);
    assert.deepEqual(await read([], 'acme'), theirs);
    assert.equal((await read([], 'nobody')).size, 0);
  });
});
