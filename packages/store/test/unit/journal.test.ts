import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Sql } from '../../src/client';
import type { Column } from '../../src/schema/columns';
import { QueueFullError } from '../../src/write/batchWriter';
import { Journal, type JournalMeta, replayJournal } from '../../src/write/journal';
import { JournalWriter, type JournalWriterOptions } from '../../src/write/journalWriter';

const COLUMNS: Column[] = [{ name: 'Name', type: 'String', kind: 'string' } as Column];

/** The insert side of Sql, recording each segment's bytes; `fail` refuses the next inserts. */
function fakeSql() {
  const inserted: string[][] = [];
  const state = { fail: 0, calls: 0 };
  const sql = {
    async insertRowBinaryFile(_table: string, _columns: readonly string[], _structure: string, path: string) {
      state.calls++;
      await new Promise((r) => setTimeout(r, 5));
      if (state.fail > 0) {
        state.fail--;
        throw new Error('Code: 241. Memory limit exceeded');
      }
      inserted.push(names(readFileSync(path)));
    },
  } as unknown as Sql;
  return { sql, inserted, state };
}

/** The `Name` strings of RowBinary rows (Name String, Tenant String). */
function names(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = bytes[i]!;
    out.push(bytes.subarray(i + 1, i + 1 + n).toString());
    i += 1 + n;
    i += 1 + bytes[i]!;
  }
  return out;
}

function withDir(run: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-test-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** The segment files in every journal directory under `dir`. */
const segmentsIn = (dir: string) =>
  readdirSync(dir).flatMap((d) => readdirSync(join(dir, d)).filter((f) => f.endsWith('.bin')));

const rows = (...n: string[]) => n.map((Name) => ({ Name }));

/** A writer of one `Name` column into `dir`, with generous bounds unless `over` says otherwise. */
const writer = (sql: Sql, dir: string, over: Partial<JournalWriterOptions>) =>
  new JournalWriter(sql, 't', COLUMNS, {
    dir,
    intervalMs: 60_000,
    maxInsertRows: 1000,
    maxQueuedBytes: 1 << 20,
    ...over,
  });

test(
  'a write is durable at once and visible after its insert, one insert per interval',
  withDir(async (dir) => {
    const { sql, inserted } = fakeSql();
    const w = writer(sql, dir, { intervalMs: 60 });
    let visible = 0;
    const a = w.write(rows('a', 'b'), 'x');
    const b = w.write(rows('c'), 'x');
    a.visible.then(() => visible++);
    b.visible.then(() => visible++);
    await Promise.all([a.durable, b.durable]);
    assert.equal(visible, 0, 'not visible before the interval');
    assert.ok(w.queueBytes > 0);
    await Promise.all([a.visible, b.visible]);
    assert.deepEqual(inserted, [['a', 'b', 'c']], 'both writes in one insert, in order');
    assert.equal(w.queueBytes, 0);
    assert.deepEqual(segmentsIn(dir), [], 'an inserted segment is removed');
    await w.close();
  }),
);

test(
  'visible() inserts what was written before it without waiting for the interval; a full segment goes at once',
  withDir(async (dir) => {
    const { sql, inserted } = fakeSql();
    const w = writer(sql, dir, { maxInsertRows: 3 });
    await w.write(rows('a'), 'x').durable;
    const t0 = Date.now();
    await w.visible();
    assert.ok(Date.now() - t0 < 5_000);
    assert.deepEqual(inserted, [['a']]);
    await w.visible(); // nothing waits: resolves at once
    await w.write(rows('b', 'c', 'd'), 'x').visible; // maxInsertRows reached
    assert.deepEqual(inserted, [['a'], ['b', 'c', 'd']]);
    await w.close();
  }),
);

test(
  'a failed insert is tried again until it succeeds; reads waiting are released by the failure',
  withDir(async (dir) => {
    const { sql, inserted, state } = fakeSql();
    const w = writer(sql, dir, { intervalMs: 10, retryMs: 10 });
    state.fail = 2;
    const receipt = w.write(rows('a'), 'x');
    await receipt.durable;
    await w.visible(); // released by the first failure, before the rows are in
    assert.deepEqual(inserted, []);
    await receipt.visible;
    assert.deepEqual(inserted, [['a']]);
    assert.equal(state.calls, 3);
    await w.close();
  }),
);

test(
  'past maxQueuedBytes a write is refused whole and nothing of it is journaled',
  withDir(async (dir) => {
    const { sql, state } = fakeSql();
    const w = writer(sql, dir, { maxQueuedBytes: 8 });
    await w.write(rows('0123456789'), 'x').durable;
    const bytes = w.queueBytes;
    assert.ok(w.isFull);
    await assert.rejects(w.write(rows('more'), 'x').durable, QueueFullError);
    assert.equal(w.queueBytes, bytes);
    state.fail = 1_000;
    await w.close(); // the insert fails: the segment stays for the next start
    assert.equal(segmentsIn(dir).length, 1);
  }),
);

test(
  'the next start inserts what a stopped process left, oldest segment first, with the layout it was written in',
  withDir(async (dir) => {
    const meta: JournalMeta = { table: 't', columns: ['Name', 'Tenant'], structure: '`Name` String, `Tenant` String' };
    const j = Journal.open(dir, meta);
    const seg = (s: string) => Buffer.from([s.length, ...Buffer.from(s), 1, 0x78]);
    for (const s of ['first', 'second']) {
      const b = seg(s);
      j.append(b, b.length, 1);
      j.seal();
    }
    const b = seg('unsealed');
    j.append(b, b.length, 1); // a killed process never sealed it
    const other = Journal.open(dir, { ...meta, columns: ['Name', 'Tenant', 'New'] });
    assert.notEqual(other.dir, j.dir, 'another layout, another directory');

    const seen: string[] = [];
    const done = await replayJournal(dir, async (m, s) => {
      assert.deepEqual(m, meta);
      seen.push(...names(readFileSync(s.path)));
    });
    assert.deepEqual(seen, ['first', 'second', 'unsealed']);
    assert.equal(done.segments, 3);
    assert.equal(existsSync(j.dir), false, 'a replayed directory is removed');

    // A segment that cannot be inserted stops the start, names the file and stays.
    const k = Journal.open(dir, meta);
    k.append(b, b.length, 1);
    k.seal();
    writeFileSync(join(k.dir, '7.bin'), Buffer.alloc(0)); // empty: nothing to insert
    await assert.rejects(
      replayJournal(dir, async () => {
        throw new Error('Code: 33. Cannot read all data');
      }),
      /journal segment .*0\.bin .*acknowledged for t.*Cannot read all data/,
    );
    assert.ok(existsSync(join(k.dir, '0.bin')));
  }),
);

test(
  'a new segment never reuses the name of one left behind',
  withDir(async (dir) => {
    const meta: JournalMeta = { table: 't', columns: ['Name', 'Tenant'], structure: 's' };
    const a = Journal.open(dir, meta);
    const b = Buffer.from([1, 0x61, 1, 0x78]);
    a.append(b, b.length, 1);
    const left = a.seal()!;
    const again = Journal.open(dir, meta);
    again.append(b, b.length, 1);
    const next = again.seal()!;
    assert.notEqual(next.path, left.path);
    assert.ok(existsSync(left.path));
  }),
);
