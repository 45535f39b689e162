import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { encodeTracesData } from '@tracehouse/otlp';
import { hex, span } from '../../../store/test/fixtures';
import { startTracehouse } from '../process';

const BIN = join(import.meta.dirname, '../../../../bin/tracehouse.js');

/** The real `tracehouse start` with a short flush interval. */
const startProcess = (dataDir: string) => startTracehouse(dataDir, { sets: ['ingest.flushInterval=50ms'] });

describe('the tracehouse process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-proc-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('SIGTERM under load flushes every acknowledged span, exits 0, and a restart serves them', async () => {
    const first = await startProcess(dataDir);
    const traces = Array.from({ length: 60 }, () => {
      const traceId = hex(16);
      return { traceId, spans: Array.from({ length: 50 }, () => span(traceId)) };
    });
    const sends = traces.map((t, i) =>
      new Promise((r) => setTimeout(r, i * 5)).then(() =>
        fetch(`${first.otlpHttp}/v1/traces`, {
          method: 'POST',
          body: encodeTracesData(t.spans) as BodyInit,
          headers: { 'content-type': 'application/x-protobuf' },
        }).then(
          (res) => res.status,
          () => 0,
        ),
      ),
    );
    // Signal as soon as the first request is acknowledged, with the rest still in flight.
    await Promise.race(sends.map((p) => p.then((s) => (s === 200 ? undefined : new Promise(() => {})))));
    first.child.kill('SIGTERM');
    const statuses = await Promise.all(sends);
    assert.equal(await first.exited, 0, first.output());
    assert.match(first.output(), /SIGTERM: stopping/);
    const acknowledged = traces.filter((_, i) => statuses[i] === 200);
    assert.ok(acknowledged.length > 0, 'some requests were acknowledged before the signal');
    for (const s of statuses) assert.ok([200, 503, 0].includes(s), `unexpected status ${s}`);

    const second = await startProcess(dataDir);
    try {
      for (const t of acknowledged) {
        const res = await fetch(`${second.api}/api/v1/traces/${t.traceId}`);
        assert.equal(res.status, 200, `acknowledged trace ${t.traceId} lost`);
        const body = await res.json();
        const count = body.resourceSpans.flatMap((r: { scopeSpans: { spans: unknown[] }[] }) =>
          r.scopeSpans.flatMap((s) => s.spans),
        ).length;
        assert.equal(count, 50);
      }
    } finally {
      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0);
    }
  });

  test('bad configuration is refused with a message and exit code 2', async () => {
    const child = spawn(process.execPath, [BIN, 'start', '--set', 'server.port=notaport'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 2);
    assert.match(err, /config server.port/);
  });
});
