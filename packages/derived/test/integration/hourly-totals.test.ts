// The derived processors restore every series' totals at start; with the hours summed they read
// one row per series and hour instead of every interval of the retention, and get the same sums.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DERIVED_HOURLY_WATERMARK, HOUR_MS, Store } from '@tracehouse/store';
import { DerivedStore } from '../../src/index';

const H0 = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 30 * HOUR_MS;
const STEP = 30_000;

test('series and edge totals at start equal the sums of every interval once hours are summed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'th-hourly-totals-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await Store.open({
    dataDir: dir,
    retention: { spansRecent: 3600, spans: 86400, logs: 86400, metrics: 30 * 86400 },
    writer: { batchRows: 5000, flushIntervalMs: 20, maxQueuedBytes: 64 * 1024 ** 2, maxInsertRows: 50_000 },
  });
  try {
    const intervals = (30 * HOUR_MS) / STEP;
    // Three series of 30 s intervals over 30 hours (one stops after 10), two edges; some
    // intervals stored twice, as a re-run after a crash writes them.
    for (const [from, count] of [
      [0, intervals],
      [100, 200],
    ])
      await store.sql.command(`
INSERT INTO span_metrics (WindowStart, WindowEnd, SeriesKey, ServiceName, SpanName, SpanKind, StatusCode, Dimensions,
  Overflow, Calls, LatencySum, LatencyBuckets, Tenant)
SELECT fromUnixTimestamp64Milli(toInt64(${H0} + i * ${STEP})), fromUnixTimestamp64Milli(toInt64(${H0} + (i + 1) * ${STEP})),
  concat('series-', toString(s)), concat('svc-', toString(s)), 'op', 'server', 'ok', map(), false,
  1 + (i + s) % 4, ((i * s) % 9) * 0.5, [i % 2, s, 1], ''
FROM (SELECT ${from} + intDiv(number, 3) AS i, number % 3 AS s FROM numbers(${count * 3})) WHERE s < 2 OR i < 1200`);
    await store.sql.command(`
INSERT INTO service_graph_edges (WindowStart, WindowEnd, Client, Server, ConnectionType, VirtualNode, Overflow, Requests,
  Failed, ServerLatencySum, ServerLatencyBuckets, ClientLatencySum, ClientLatencyBuckets, Tenant)
SELECT fromUnixTimestamp64Milli(toInt64(${H0} + i * ${STEP})), fromUnixTimestamp64Milli(toInt64(${H0} + (i + 1) * ${STEP})),
  'web', if(e = 0, 'cart', 'db'), if(e = 0, '', 'database'), '', false, 3, i % 5 = 0, 0.25 * i, [1, i % 3], 1.5, [0, 2], ''
FROM (SELECT intDiv(number, 2) AS i, number % 2 AS e FROM numbers(${intervals * 2}))`);
    const derived = new DerivedStore(store);
    const at = H0 + 25 * HOUR_MS + 7 * 60_000;
    const totals = async () => ({
      spans: (await derived.spanMetricTotals(at)).sort((a, b) => a.seriesKey.localeCompare(b.seriesKey)),
      edges: await derived.edgeTotals({ endMs: at }),
    });
    const before = await totals();
    assert.equal(before.spans.length, 3);
    assert.equal(before.edges.length, 2);

    for (let h = 0; h < 20; h++) await store.rollUpDerivedHour(H0 + h * HOUR_MS);
    await store.state.writeWatermarkMs(DERIVED_HOURLY_WATERMARK, H0 + 20 * HOUR_MS);
    assert.deepEqual(await totals(), before);
    // The hours summed are what is read: with their intervals gone the totals stay.
    for (const table of ['span_metrics', 'service_graph_edges'])
      await store.sql.command(
        `ALTER TABLE ${table} DELETE WHERE WindowEnd <= fromUnixTimestamp64Milli(${H0 + 20 * HOUR_MS}) SETTINGS mutations_sync = 2`,
      );
    assert.deepEqual(await totals(), before);
  } finally {
    await store.close();
  }
});
