import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryLimitError, type QueryLimits, type Sql, Store } from '../../src/index';
import { bareSpan, hex, storeOptions, tempDir } from '../fixtures';

/** A bound statement that would run for minutes: every number of a huge range hashed. */
const HEAVY = 'SELECT count() FROM numbers({n:UInt64}) WHERE sipHash64(number) = {x:UInt64}';

/** Runs `read` while a long statement runs and three background statements wait; returns the order. */
async function behindLongStatement(
  read: (sql: Sql) => Promise<number>,
): Promise<{ events: string[]; waitedMs: number }> {
  const store = await Store.open(storeOptions(tempDir()));
  const sql = store.sql;
  try {
    const events: string[] = [];
    const long = sql
      .query(HEAVY, { n: 1e13, x: 1 }, { maxExecutionSeconds: 1 })
      .then(() => events.push('long finished'))
      .catch((e) => events.push(e instanceof QueryLimitError ? 'long stopped at its limit' : `long failed: ${e}`));
    const background = [1, 2, 3].map((i) =>
      sql.query('SELECT {i:UInt8} AS i', { i }).then(() => events.push(`background ${i}`)),
    );
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    assert.equal(await read(sql), 7);
    const waitedMs = performance.now() - t0;
    events.push('read');
    await Promise.all([long, ...background]);
    return { events, waitedMs };
  } finally {
    await store.close();
  }
}

const readSeven = async (sql: Sql, limits?: QueryLimits) =>
  Number((await sql.query<{ v: number }>('SELECT {v:UInt8} AS v', { v: 7 }, limits))[0]!.v);

test('a long statement holds a short read behind it for its time limit at most, and queued background work waits for the read', async () => {
  for (const [how, read] of [
    ['priority in its limits', (sql: Sql) => readSeven(sql, { priority: 'interactive' })],
    ['a withPriority view (the Prometheus API)', (sql: Sql) => readSeven(sql.withPriority('interactive'))],
  ] as const) {
    const { events, waitedMs } = await behindLongStatement(read);
    assert.equal(events[0], 'long stopped at its limit', how);
    // Embedded, two statements are handed to chDB at once (client.ts), so one background
    // statement was already handed over with the long one; the others waited for the read.
    assert.ok(
      events.indexOf('read') < events.indexOf('background 2') &&
        events.indexOf('read') < events.indexOf('background 3'),
      `${how}: the read went before the queued background statements: ${events.join(', ')}`,
    );
    // The long statement's 1 s limit, plus scheduling on a shared 2-core machine.
    assert.ok(waitedMs < 4000, `${how}: the read waited ${waitedMs.toFixed(0)} ms`);
  }
});

test('ingest is acknowledged while 16 readers hammer the store', async () => {
  // Inserts against readers in the statement scheduler: without the journal every write waits
  // for its insert. (With it, an answer waits for no insert, and a read waits for the rows
  // written before it: journal.test.ts.)
  const store = await Store.open({ ...storeOptions(tempDir()), journal: false });
  try {
    const traceIds = Array.from({ length: 50 }, () => hex(16));
    let stop = false;
    let reads = 0;
    const readers = Array.from({ length: 16 }, async (_, r) => {
      while (!stop) {
        await store.getTrace(traceIds[(reads + r) % traceIds.length]!, 'default');
        reads++;
      }
    });
    const ackMs: number[] = [];
    for (const traceId of traceIds) {
      const t0 = performance.now();
      await store.writeSpans(
        Array.from({ length: 20 }, () =>
          bareSpan({ TraceId: traceId, SpanId: hex(8), Timestamp: String(BigInt(Date.now()) * 1_000_000n) }),
        ),
      );
      ackMs.push(performance.now() - t0);
    }
    stop = true;
    await Promise.all(readers);
    assert.ok(reads > 50, `the readers ran (${reads} reads)`);
    const worst = Math.max(...ackMs);
    assert.ok(worst < 3000, `every batch was acknowledged within 3 s (worst ${worst.toFixed(0)} ms)`);
    const spans = await store.getTrace(traceIds[0]!, 'default');
    assert.equal(spans.length, 20, 'and what was acknowledged is read back');
  } finally {
    await store.close();
  }
});
