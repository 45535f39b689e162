import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Store } from '../../src/index';
import { spanColumns } from '../../src/schema/columns';
import { bareSpan, hex, storeOptions, tempDir } from '../fixtures';

test('a trace with kept copies and resent spans reads one span per id, as received, in time order, on every page', async () => {
  const store = await Store.open(storeOptions(tempDir()));
  try {
    const traceId = hex(16);
    const now = BigInt(Date.now()) * 1_000_000n;
    const spans = [3, 1, 2].map((k) =>
      bareSpan({ TraceId: traceId, SpanId: `000000000000000${k}`, Timestamp: String(now + BigInt(k) * 1000n) }),
    );
    await store.writeSpans(spans);
    await store.writeSpans([spans[0]!]); // a client retry: the same span twice in the recent window
    // The sampler's kept copy, marked so the test sees which copy is returned.
    const cols = [...spanColumns.map((c) => `\`${c.name}\``), 'Tenant'];
    await store.sql.command(
      `INSERT INTO spans (${cols.join(', ')}) SELECT ${cols
        .map((c) => (c === '`SpanAttributes`' ? "mapUpdate(SpanAttributes, map('copy', 'kept'))" : c))
        .join(', ')} FROM spans_recent WHERE TraceId = {traceId:String} LIMIT 1 BY SpanId`,
      { traceId },
    );
    const read = await store.getTrace(traceId, 'default');
    assert.deepEqual(
      read.map((s) => s.SpanId),
      ['0000000000000001', '0000000000000002', '0000000000000003'],
    );
    for (const s of read) {
      assert.deepEqual(s.SpanAttributes, {}, 'the copy as received while the recent window holds it');
      assert.equal('Source' in s, false);
    }
    // The paged read (a page smaller than the trace) agrees with the whole read.
    const p1 = await store.getTracePage(traceId, 'default', { limit: 2, offset: 0 });
    const p2 = await store.getTracePage(traceId, 'default', { limit: 2, offset: 2 });
    assert.deepEqual([p1.total, p2.total], [3, 3]);
    assert.deepEqual([...p1.spans, ...p2.spans], read);
  } finally {
    await store.close();
  }
});
