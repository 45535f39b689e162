import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Store } from '../../src/index';
import { spansRecent } from '../../src/schema/tables';
import { tenantKey } from '../../src/tenant';
import { Journal } from '../../src/write/journal';
import { ByteSink, rowBinaryTable } from '../../src/write/rowBinary';
import { gaugePoint, hex, logRecord, span, storeOptions, tempDir } from '../fixtures';

// A full GC on demand (as node --expose-gc gives), for the test of what a durable write holds.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const emptyMetrics = { gauge: [], sum: [], histogram: [], expHistogram: [], summary: [] };
const bySpanId = <T extends { SpanId: string }>(xs: T[]) => [...xs].sort((a, b) => a.SpanId.localeCompare(b.SpanId));
const segmentsIn = (dir: string) =>
  readdirSync(join(dir, 'journal')).flatMap((d) =>
    readdirSync(join(dir, 'journal', d)).filter((f) => f.endsWith('.bin')),
  );

describe('the write-ahead journal (embedded chDB)', () => {
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a durable write waits in the journal, and every read sees it first', async () => {
    const store = await Store.open({ ...storeOptions(dir), journal: { intervalMs: 60_000 } });
    try {
      const traceId = hex(16);
      const spans = [span(traceId), span(traceId)];
      const log = logRecord({ TraceId: traceId });
      const gauge = gaugePoint();
      await store.writeSpans(spans, 'default', 'durable');
      await store.writeLogs([log], 'default', 'durable');
      await store.writeMetrics({ ...emptyMetrics, gauge: [gauge] }, 'default', 'durable');
      const [raw] = await store.sql.query<{ n: string }>('SELECT count() AS n FROM spans_recent');
      assert.equal(Number(raw!.n), 0, 'not inserted yet: the interval is a minute');
      assert.equal(segmentsIn(dir).length, 3);

      assert.deepEqual(bySpanId(await store.getTrace(traceId, 'default')), bySpanId(spans));
      const now = Date.now() / 1000;
      assert.deepEqual(
        await store.queryLogs({ tenant: 'default', traceId, start: now - 60, end: now + 60, limit: 9 }),
        [log],
      );
      const metrics = await store.queryMetrics({
        tenant: 'default',
        name: gauge.MetricName,
        start: 0,
        end: now + 60,
        limit: 9,
      });
      assert.equal(metrics.gauge.length, 1);
      assert.equal(segmentsIn(dir).length, 0, 'inserted segments are removed');
    } finally {
      await store.close();
    }
  });

  test('an acknowledged write holds none of its records while it waits for its insert', async () => {
    // At 60,000 spans/s a second of journaled spans held in memory (~2 KB each) was most of
    // the ingest's GC time: only the trace ids may wait for the insert.
    const store = await Store.open({ ...storeOptions(dir), journal: { intervalMs: 60_000 } });
    try {
      const traceId = hex(16);
      const refs: WeakRef<object>[] = [];
      const write = async (signal: 'spans' | 'logs' | 'metrics') => {
        if (signal === 'spans') {
          const spans = [span(traceId), span(traceId)];
          refs.push(...spans.map((s) => new WeakRef(s)), new WeakRef(spans[0]!.SpanAttributes));
          await store.writeSpans(spans, 'default', 'durable');
        } else if (signal === 'logs') {
          const log = logRecord({ TraceId: traceId });
          refs.push(new WeakRef(log));
          await store.writeLogs([log], 'default', 'durable');
        } else {
          const gauge = gaugePoint();
          refs.push(new WeakRef(gauge));
          await store.writeMetrics({ ...emptyMetrics, gauge: [gauge] }, 'default', 'durable');
        }
      };
      for (const signal of ['spans', 'logs', 'metrics'] as const) await write(signal);
      await new Promise((r) => setImmediate(r));
      gc();
      assert.equal(segmentsIn(dir).length, 3, 'still journaled, not inserted');
      assert.deepEqual(
        refs.map((r) => r.deref() === undefined),
        refs.map(() => true),
        'every record is collectable once acknowledged',
      );
      assert.equal((await store.getTrace(traceId, 'default')).length, 2);
    } finally {
      await store.close();
    }
  });

  test('what is still in the journal at close is inserted', async () => {
    let store = await Store.open({ ...storeOptions(dir), journal: { intervalMs: 60_000 } });
    const traceId = hex(16);
    await store.writeSpans([span(traceId)], 'default', 'durable');
    await store.close();
    store = await Store.open(storeOptions(dir));
    try {
      assert.equal((await store.getTrace(traceId, 'default')).length, 1);
    } finally {
      await store.close();
    }
  });

  test('rows a killed process left in the journal are in the store after the next open', async () => {
    const traceId = hex(16);
    const spans = [span(traceId), span(traceId), span(traceId)];
    // What a JournalWriter of spans_recent appends, two sealed segments and an open one.
    const table = rowBinaryTable(spansRecent.columns);
    const journal = Journal.open(join(dir, 'journal'), {
      table: spansRecent.name,
      columns: table.columns,
      structure: table.structure,
    });
    const sink = new ByteSink();
    for (const s of spans) {
      table.write(sink, [s], tenantKey('default'));
      journal.append(sink.buf, sink.pos, 1);
      sink.reset();
      if (s !== spans.at(-1)) journal.seal();
    }
    const store = await Store.open(storeOptions(dir));
    try {
      assert.deepEqual(bySpanId(await store.getTrace(traceId, 'default')), bySpanId(spans));
      assert.deepEqual(segmentsIn(dir), []);
    } finally {
      await store.close();
    }
  });
});
