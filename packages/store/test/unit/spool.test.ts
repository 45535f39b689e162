import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Spool } from '../../src/write/spool';

test('a spool file holds the chunks while its insert runs and is gone after, even when the insert fails', async () => {
  const base = mkdtempSync(join(tmpdir(), 'spool-test-'));
  try {
    const spool = Spool.create(base);
    const chunks = [Buffer.from('ab'), Buffer.alloc(0), Buffer.from('cde')];
    const seen = await spool.with(chunks, async (path) => readFileSync(path, 'utf8'));
    assert.equal(seen, 'abcde');
    await assert.rejects(
      spool.with(chunks, async () => {
        throw new Error('insert failed');
      }),
      /insert failed/,
    );
    assert.deepEqual(readdirSync(spool.dir), []);
    spool.close();
    assert.equal(existsSync(spool.dir), false);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('two spools of one process do not share files, and a dead process’s directory is removed at start', async () => {
  const base = mkdtempSync(join(tmpdir(), 'spool-test-'));
  try {
    // No process has pid 2^22 + 1 (above Linux's pid_max): its directory is stale.
    const stale = join(base, `tracehouse-spool-${2 ** 22 + 1}-x`);
    mkdirSync(stale);
    const a = Spool.create(base);
    const b = Spool.create(base);
    assert.equal(existsSync(stale), false);
    assert.notEqual(a.dir, b.dir);
    const both = await Promise.all([
      a.with([Buffer.from('a')], async (p) => readFileSync(p, 'utf8')),
      b.with([Buffer.from('b')], async (p) => readFileSync(p, 'utf8')),
    ]);
    assert.deepEqual(both, ['a', 'b']);
    a.close();
    assert.equal(existsSync(b.dir), true);
    b.close();
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
