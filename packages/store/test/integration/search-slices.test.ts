import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { parse } from '@tracehouse/traceql';
import { Store } from '../../src/index';
import { bareSpan, hex, storeOptions, tempDir } from '../fixtures';
import { keepTraces } from '../kept';

// One matching span every 10 minutes over the last 2 h (traces a..l, newest first), one of them
// with a second matching span an hour earlier: the newest-first slices must still count both.
const dir = tempDir();
let store: Store;
const endS = Math.floor(Date.now() / 1000 / 300) * 300;
const traces = Array.from({ length: 12 }, (_, i) => ({ id: hex(16), atS: endS - 300 - i * 600 }));
const twice = traces[1]!;

before(async () => {
  store = await Store.open(storeOptions(dir));
  const spanAt = (traceId: string, s: number, status: 'Error' | 'Unset') =>
    bareSpan({ TraceId: traceId, SpanId: hex(8), Timestamp: `${s}000000000`, StatusCode: status });
  await store.writeSpans([
    ...traces.flatMap((t) => [spanAt(t.id, t.atS, 'Error'), spanAt(t.id, t.atS + 1, 'Unset')]),
    spanAt(twice.id, twice.atS - 3600, 'Error'),
  ]);
  await keepTraces(store.sql);
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const search = (q: string, limit: number) =>
  store.searchTraces({
    tenant: 'default',
    query: parse(q),
    start: endS - 7200,
    end: endS,
    limit,
    spansPerTrace: 5,
    recent: false,
  });

test('the newest matches come first whether the newest slice holds enough of them or not', async () => {
  for (const limit of [1, 2, 3, 5, 12, 20]) {
    const found = await search('{ status = error }', limit);
    assert.deepEqual(
      found.map((t) => t.traceId),
      traces.slice(0, limit).map((t) => t.id),
      `limit ${limit}`,
    );
  }
});

test('matched spans and counts cover the whole window, not only the slice that found the trace', async () => {
  const [, second] = await search('{ status = error }', 2);
  assert.equal(second!.traceId, twice.id);
  assert.equal(second!.matchedCount, 2);
  assert.equal(second!.matchedSpans.length, 2);
  assert.equal(second!.spanCount, 3);
  assert.equal(second!.startTimeUnixNano, `${twice.atS - 3600}000000000`);
});

test('a query over several spans of a trace reads the whole window at once', async () => {
  const found = await search('{ status = error } && { status = unset }', 3);
  assert.deepEqual(
    found.map((t) => t.traceId),
    traces.slice(0, 3).map((t) => t.id),
  );
  const counted = await search('{ status = error } | count() > 1', 20);
  assert.deepEqual(
    counted.map((t) => t.traceId),
    [twice.id],
  );
});
