import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Store } from '../../src/index';
import { spanColumns } from '../../src/schema/columns';
import { bareSpan, hex, keptOutOfRecentWindow, span, storeOptions, tempDir } from '../fixtures';

test('a trace is read as received while in the recent window, and from its kept copy once it has left it', async () => {
  const store = await Store.open(storeOptions(tempDir())); // recent retention 1 h
  const sql = store.sql;
  try {
    const fresh = hex(16);
    const old = hex(16);
    const now = BigInt(Date.now()) * 1_000_000n;
    await store.writeSpans([bareSpan({ TraceId: fresh, SpanId: hex(8), Timestamp: String(now) })]);
    // Kept, the kept copy marked; and the same span under another trace id, ingested 2 h ago:
    // that trace has left the recent window (its parts expired), only its kept copy and its
    // trace index row remain.
    const cols = [...spanColumns.map((c) => `\`${c.name}\``), 'Tenant'];
    const keep = (traceId: string) =>
      sql.command(
        `INSERT INTO spans (${cols.join(', ')}) SELECT ${cols
          .map((c) =>
            c === '`SpanAttributes`'
              ? "mapUpdate(SpanAttributes, map('copy', 'kept'))"
              : c === '`TraceId`'
                ? '{traceId:String}'
                : c,
          )
          .join(', ')} FROM spans_recent WHERE TraceId = {fresh:String}`,
        { traceId, fresh },
      );
    await keep(fresh);
    await keep(old);
    await sql.command(
      `INSERT INTO trace_index SELECT {old:String}, Start, End, IngestStart - toIntervalHour(2), IngestEnd - toIntervalHour(2), SpanCount
FROM trace_index WHERE TraceId = {fresh:String}`,
      { old, fresh },
    );

    const [recent] = await store.getTrace(fresh, 'default');
    assert.deepEqual(recent!.SpanAttributes, {});
    const [kept] = await store.getTrace(old, 'default');
    assert.deepEqual(kept!.SpanAttributes, { copy: 'kept' });
    assert.deepEqual(await store.getTrace(hex(16), 'default'), []);
    assert.deepEqual(await store.getTrace(fresh, 'acme'), []);
  } finally {
    await store.close();
  }
});

test('a kept trace out of the recent window reads back exactly as written, in start-time order', async () => {
  const store = await Store.open(storeOptions(tempDir()));
  try {
    const staging = hex(16);
    const t0 = BigInt(Date.now()) * 1_000_000n;
    // Written out of order, with every field set (events, links, typed attributes).
    const written = [3, 1, 2, 0].map((i) =>
      span(staging, { Timestamp: String(t0 + BigInt(i) * 1_000_000n), SpanName: `step ${i}` }),
    );
    await store.writeSpans(written);
    const traceId = await keptOutOfRecentWindow(store, staging);
    const expected = [...written]
      .sort((a, b) => (BigInt(a.Timestamp) < BigInt(b.Timestamp) ? -1 : 1))
      .map((s) => ({ ...s, TraceId: traceId }));
    assert.deepEqual(await store.getTrace(traceId, 'default'), expected);
    assert.deepEqual(
      await store.getTrace(staging, 'default'),
      expected.map((s) => ({ ...s, TraceId: staging })),
    );
  } finally {
    await store.close();
  }
});

test('a trace whose index rows are not merged yet reads the same, however many rows it has', async () => {
  const store = await Store.open(storeOptions(tempDir()));
  try {
    const traceId = hex(16);
    const t0 = BigInt(Date.now()) * 1_000_000n;
    // Two batches, one of them a late span: two index rows, folded in JS.
    await store.writeSpans([span(traceId, { Timestamp: String(t0) }), span(traceId, { Timestamp: String(t0 + 5n) })]);
    await store.writeSpans([span(traceId, { Timestamp: String(t0 - 1000n) })]);
    const whole = await store.getTrace(traceId, 'default');
    assert.equal(whole.length, 3);
    assert.equal(whole[0]!.Timestamp, String(t0 - 1000n));
    // 100 more rows of the same trace, as unmerged insert blocks leave them (counting no span):
    // past 64 rows the index is folded in SQL instead, with the same result.
    await store.sql.command(
      `INSERT INTO trace_index SETTINGS optimize_on_insert = 0
SELECT TraceId, Start, End, IngestStart, IngestEnd, 0 FROM trace_index AS t, numbers(50) AS n WHERE t.TraceId = {traceId:String}`,
      { traceId },
    );
    const [rows] = await store.sql.query<{ n: string }>(
      'SELECT count() AS n FROM trace_index WHERE TraceId = {traceId:String}',
      {
        traceId,
      },
    );
    assert.ok(Number(rows!.n) > 64, `${rows!.n} index rows`);
    assert.deepEqual(await store.getTrace(traceId, 'default'), whole);
    assert.deepEqual(await store.getTrace(traceId, 'acme'), []);
  } finally {
    await store.close();
  }
});
