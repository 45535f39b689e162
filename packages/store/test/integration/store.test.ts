import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { migrations, QueueFullError, Store } from '../../src/index';
import { gaugePoint, hex, histogramPoint, logRecord, span, storeOptions, tempDir } from '../fixtures';

const emptyMetrics = { gauge: [], sum: [], histogram: [], expHistogram: [], summary: [] };

describe('store (embedded chDB)', () => {
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('spans, logs and metrics read back exactly as written, also after a restart', async () => {
    const traceId = hex(16);
    const root = span(traceId);
    const child = span(traceId, {
      ParentSpanId: root.SpanId,
      Duration: '-5',
      SpanKind: 'Client',
      'Links.TraceId': [],
      'Links.SpanId': [],
      'Links.TraceState': [],
      'Links.Flags': [],
      'Links.Attributes': [],
      'Links.AttributeTypes': [],
      'Links.DroppedAttributesCount': [],
    });
    const log = logRecord({ TraceId: traceId, SpanId: root.SpanId, Timestamp: '0' });
    const gauge = gaugePoint();
    const histogram = histogramPoint();

    let store = await Store.open(storeOptions(dir));
    await Promise.all([
      store.writeSpans([root]),
      store.writeSpans([child]),
      store.writeLogs([log]),
      store.writeMetrics({ ...emptyMetrics, gauge: [gauge], histogram: [histogram] }),
    ]);
    await store.close();

    store = await Store.open(storeOptions(dir));
    try {
      const trace = await store.getTrace(traceId, 'default');
      assert.deepEqual(
        [...trace].sort((a, b) => a.SpanId.localeCompare(b.SpanId)),
        [root, child].sort((a, b) => a.SpanId.localeCompare(b.SpanId)),
      );
      assert.deepEqual(await store.getTrace(hex(16), 'default'), []);

      const now = Date.now() / 1000;
      const logs = await store.queryLogs({ tenant: 'default', traceId, start: now - 60, end: now + 60, limit: 10 });
      assert.deepEqual(logs, [log]);
      assert.deepEqual(
        await store.queryLogs({ tenant: 'default', text: 'DECLINED', start: now - 60, end: now + 60, limit: 10 }),
        [log],
      );
      assert.deepEqual(
        await store.queryLogs({ tenant: 'default', severityMin: 18, start: now - 60, end: now + 60, limit: 10 }),
        [],
      );

      const metrics = await store.queryMetrics({ tenant: 'default', start: now - 60, end: now + 60, limit: 100 });
      assert.deepEqual(metrics.gauge, [gauge]);
      assert.deepEqual(metrics.histogram, [histogram]);
    } finally {
      await store.close();
    }
  });

  test('migrations are idempotent and recorded once', async () => {
    const store = await Store.open(storeOptions(dir));
    try {
      const rows = await store.sql.query<{ n: string }>('SELECT toString(count()) AS n FROM schema_migrations FINAL');
      assert.equal(rows[0]!.n, String(migrations.length));
    } finally {
      await store.close();
    }
  });

  test('a full write queue refuses at once instead of growing', async () => {
    const store = await Store.open(storeOptions(tempDir(), { maxQueuedBytes: 1, flushIntervalMs: 50 }));
    try {
      const first = store.writeSpans([span(hex(16))]);
      await assert.rejects(store.writeSpans([span(hex(16))]), QueueFullError);
      await first;
      await store.writeSpans([span(hex(16))]);
    } finally {
      await store.close();
    }
  });

  test('many concurrent writes are group-committed into few inserts', async () => {
    const inserts: number[] = [];
    const opts = storeOptions(tempDir(), { flushIntervalMs: 100 });
    // The spans' inserts only: autocomplete's rollup writes on a timer of its own (a slow run sees it).
    // Group commit is the journal-less writer's (BatchWriter): the journal has its own tests.
    const store = await Store.open({
      ...opts,
      journal: false,
      onInsert: (o) => o.table === 'spans_recent' && inserts.push(o.rows),
    });
    try {
      await Promise.all(Array.from({ length: 200 }, () => store.writeSpans([span(hex(16)), span(hex(16))])));
      assert.equal(
        inserts.reduce((a, b) => a + b, 0),
        400,
      );
      assert.ok(inserts.length <= 3, `expected group commit, got ${inserts.length} inserts`);
    } finally {
      await store.close();
    }
  });

  test('closed-loop senders are answered without waiting out the flush interval, one insert per round', async () => {
    // Eight senders of 500 spans, each sending its next batch once the previous was answered
    // (a Collector's exporter, bench:ingest); 4,000 rows in flight never reach batchRows (5,000).
    const inserts: number[] = [];
    const opts = storeOptions(tempDir(), { flushIntervalMs: 3000 });
    // The spans' inserts only: autocomplete's rollup writes on a timer of its own (a slow run sees it).
    // Group commit is the journal-less writer's (BatchWriter): the journal has its own tests.
    const store = await Store.open({
      ...opts,
      journal: false,
      onInsert: (o) => o.table === 'spans_recent' && inserts.push(o.rows),
    });
    try {
      const round = async () => {
        const started = performance.now();
        const batches = Array.from({ length: 8 }, () => Array.from({ length: 500 }, () => span(hex(16))));
        await Promise.all(batches.map((b) => store.writeSpans(b)));
        return performance.now() - started;
      };
      // The first round has nothing to pace by: it waits for the timer.
      assert.ok((await round()) >= 2900);
      for (let i = 1; i <= 3; i++) {
        const ms = await round();
        assert.ok(ms < 3000, `round ${i} waited for the timer (${Math.round(ms)} ms)`);
      }
      assert.deepEqual(inserts, [4000, 4000, 4000, 4000], 'each round is one group-committed insert');
    } finally {
      await store.close();
    }
  });
});
