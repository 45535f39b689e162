// The CLI's "is a server holding this embedded store?" check, on real status files.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { storeHolder } from '../../src/cli/storeInUse';

test('a live process named in <dataDir>/status holds the store; a stale or missing file does not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracehouse-status-'));
  try {
    assert.equal(storeHolder(dir), null, 'no status file: a stopped server');
    writeFileSync(join(dir, 'status'), 'PID: 4242\nStarted at: 2026-12-05 15:28:45\nRevision: 54513\n');
    assert.equal(
      storeHolder(dir, (pid) => pid === 4242),
      4242,
    );
    assert.equal(
      storeHolder(dir, () => false),
      null,
      'left by a crash: the process is gone',
    );
    // The real liveness check: this test's parent process is alive.
    writeFileSync(join(dir, 'status'), `PID: ${process.ppid}\n`);
    assert.equal(storeHolder(dir), process.ppid);
    writeFileSync(join(dir, 'status'), 'garbage');
    assert.equal(storeHolder(dir), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
