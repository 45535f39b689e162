import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { encodeTracesData, type SpanRecord } from '@tracehouse/otlp';
import { Store } from '@tracehouse/store';
import { span, storeOptions } from '../../../store/test/fixtures';
import { startTracehouse } from '../process';

const _BIN = join(import.meta.dirname, '../../../../bin/tracehouse.js');
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The real `tracehouse start` with short sampling windows and a fast tick. */
const startProcess = (dataDir: string) =>
  startTracehouse(dataDir, {
    sets: [
      'ingest.flushInterval=50ms',
      'sampling.rootGrace=300ms',
      'sampling.decisionWait=2s',
      'processor.interval=100ms',
    ],
  });

describe('sampling across kill -9', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-crash-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('after kill -9 during load and a restart, every acknowledged span of a kept trace is kept exactly once', async () => {
    const first = await startProcess(dataDir);
    // Half the traces carry ERROR on every span (kept whatever part of them was acknowledged).
    const traces = Array.from({ length: 300 }, (_, i) => {
      const traceId = hex(16);
      const root = span(traceId, { StatusCode: i % 2 ? 'Error' : 'Unset', TraceState: '' });
      const children = Array.from({ length: 19 }, () =>
        span(traceId, { ParentSpanId: root.SpanId, StatusCode: root.StatusCode, TraceState: '' }),
      );
      return { traceId, error: i % 2 === 1, spans: [root, ...children] };
    });
    const acked = new Map<string, SpanRecord[]>();
    const post = async (spans: SpanRecord[]) => {
      try {
        const res = await fetch(`${first.otlpHttp}/v1/traces`, {
          method: 'POST',
          body: encodeTracesData(spans) as BodyInit,
          headers: { 'content-type': 'application/x-protobuf' },
        });
        if (res.status !== 200) return;
        for (const s of spans) acked.set(s.TraceId, [...(acked.get(s.TraceId) ?? []), s]);
      } catch {}
    };
    // Each trace in two requests 400 ms apart; a new trace every 10 ms, so decisions, copies
    // and inserts are all under way when the process is killed.
    const sends = traces.map((t, i) =>
      sleep(i * 10).then(async () => {
        await post(t.spans.slice(0, 10));
        await sleep(400);
        await post(t.spans.slice(10));
      }),
    );
    // Killed once a good part was acknowledged (and decided and copied, at a 100 ms tick),
    // with the rest still in flight.
    for (const deadline = Date.now() + 60_000; acked.size < 100 && Date.now() < deadline; ) await sleep(50);
    first.child.kill('SIGKILL');
    await Promise.all(sends);
    await first.exited;
    assert.ok(acked.size > 20, `some traces were acknowledged (${acked.size})`);

    const second = await startProcess(dataDir);
    // decisionWait 2 s + ticks; polled, as a loaded machine may take longer.
    let pending = acked.size;
    for (const deadline = Date.now() + 60_000; pending > 0 && Date.now() < deadline; ) {
      await sleep(1000);
      pending = 0;
      for (const traceId of acked.keys()) {
        const body = await (await fetch(`${second.api}/api/v1/traces/${traceId}/decision`)).json();
        if (body.decision === 'pending') pending++;
      }
    }
    // The late-span window trails the clock by 2 s: let it pass the last spans.
    await sleep(3000);
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
    assert.equal(pending, 0, 'every acknowledged trace decided');

    const store = await Store.open(storeOptions(dataDir));
    try {
      const decisions = await store.sql.query<{ TraceId: string; Decision: string; n: string }>(
        'SELECT TraceId, any(Decision) AS Decision, uniqExact(Decision) AS n FROM sampling_decisions GROUP BY TraceId',
        {},
        { maxRows: 10_000 },
      );
      const byId = new Map(decisions.map((d) => [d.TraceId, d]));
      const kept = await store.sql.query<{ TraceId: string; SpanId: string; n: string }>(
        'SELECT TraceId, SpanId, count() AS n FROM spans GROUP BY TraceId, SpanId',
        {},
        { maxRows: 100_000 },
      );
      const copies = new Map(kept.map((k) => [`${k.TraceId}/${k.SpanId}`, Number(k.n)]));
      for (const [key, n] of copies) assert.equal(n, 1, `span ${key} kept ${n} times`);
      let checked = 0;
      for (const t of traces) {
        const spans = acked.get(t.traceId);
        if (!spans) continue;
        const d = byId.get(t.traceId);
        assert.ok(d, `acknowledged trace ${t.traceId} decided`);
        assert.equal(Number(d.n), 1, 'one decision per trace');
        if (t.error) assert.equal(d.Decision, 'keep');
        if (d.Decision !== 'keep') continue;
        for (const s of spans) {
          assert.equal(copies.get(`${s.TraceId}/${s.SpanId}`), 1, `acknowledged span ${s.SpanId} of kept trace kept`);
          checked++;
        }
      }
      assert.ok(checked > 200, `checked ${checked} spans`);
    } finally {
      await store.close();
    }
  });
});
