import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeTracesData, type SpanRecord } from '@tracehouse/otlp';
import { hex, span } from '../../../../store/test/fixtures';
import { startTestServer, type TestServer } from '../../helpers';
import { probeWhile, timedRequest } from '../../support/responsiveness';

const SPANS = 10_000;
const MAX_TRACE_SPANS = 2000;
// See partition-bomb.test.ts: allows for a machine shared with other work.
const LATENCY_BOUND_MS = 5000;

interface JsonSpan {
  spanId: string;
  startTimeUnixNano: string;
}
const spansOf = (resourceSpans: { scopeSpans: { spans: JsonSpan[] }[] }[]): JsonSpan[] =>
  resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));

describe('one trace fetch cannot freeze the server (issue 15 item 3)', () => {
  let server: TestServer;
  const traceId = hex(16);
  before(async () => {
    server = await startTestServer({
      sets: [`query.maxTraceSpans=${MAX_TRACE_SPANS}`, 'query.maxConcurrentTraceReads=2'],
    });
    const start = BigInt(Date.now() - 60_000) * 1_000_000n;
    for (let batch = 0; batch < SPANS / 5000; batch++) {
      const spans: SpanRecord[] = Array.from({ length: 5000 }, (_, i) =>
        span(traceId, { Timestamp: String(start + BigInt(batch * 5000 + i) * 1000n) }),
      );
      const r = await timedRequest(`${server.urls.otlpHttp}/v1/traces`, {
        method: 'POST',
        body: encodeTracesData(spans),
        headers: { 'content-type': 'application/x-protobuf' },
      });
      assert.equal(r.status, 200);
    }
  });
  after(() => server.stop());

  const fetchTrace = (path: string) => fetch(server.urls.api + path);

  test('a response holds at most query.maxTraceSpans spans, states the total, and pages through the rest', async () => {
    const first = await fetchTrace(`/api/v1/traces/${traceId}`);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-trace-span-total'), String(SPANS));
    assert.equal(first.headers.get('x-trace-next-offset'), String(MAX_TRACE_SPANS));
    const spans = spansOf((await first.json()).resourceSpans);
    assert.equal(spans.length, MAX_TRACE_SPANS);
    const starts = spans.map((s) => BigInt(s.startTimeUnixNano));
    assert.ok(
      starts.every((t, i) => i === 0 || t >= starts[i - 1]!),
      'in start-time order',
    );

    const seen = new Set(spans.map((s) => s.spanId));
    let offset = MAX_TRACE_SPANS;
    while (offset < SPANS) {
      const res = await fetchTrace(`/api/v1/traces/${traceId}?offset=${offset}`);
      for (const s of spansOf((await res.json()).resourceSpans)) seen.add(s.spanId);
      const next = res.headers.get('x-trace-next-offset');
      offset = next ? Number(next) : SPANS;
    }
    assert.equal(seen.size, SPANS, 'the pages together hold every span once');
    assert.equal((await fetchTrace(`/api/v1/traces/${traceId}?limit=${MAX_TRACE_SPANS + 1}`)).status, 400);
  });

  test('Tempo routes: capped too; v2 says PARTIAL with the reason', async () => {
    const v2 = await (await fetchTrace(`/tempo/api/v2/traces/${traceId}`)).json();
    assert.equal(v2.status, 'PARTIAL');
    assert.match(v2.message, /2000 of 10000 spans/);
    assert.equal(spansOf(v2.trace.resourceSpans).length, MAX_TRACE_SPANS);
    const v1 = await fetchTrace(`/tempo/api/traces/${traceId}`);
    assert.equal(v1.headers.get('x-trace-span-total'), String(SPANS));
    assert.equal(spansOf((await v1.json()).batches).length, MAX_TRACE_SPANS);
  });

  test('8 concurrent fetches: /readyz and ingest stay responsive', async (t) => {
    const attack = (async () => {
      for (let round = 0; round < 1; round++) {
        const replies = await Promise.all(
          Array.from({ length: 8 }, async () => {
            const r = await fetchTrace(`/api/v1/traces/${traceId}`);
            await r.arrayBuffer();
            return r.status;
          }),
        );
        assert.deepEqual(replies, Array(8).fill(200));
      }
    })();
    const probed = await probeWhile(server, attack);
    await attack;
    t.diagnostic(
      `probes ${probed.probes}: /readyz max ${Math.round(probed.readyzMaxMs)} ms, ingest max ${Math.round(probed.ingestMaxMs)} ms`,
    );
    assert.deepEqual(probed.failures, []);
    assert.ok(probed.readyzMaxMs < LATENCY_BOUND_MS, `/readyz took up to ${Math.round(probed.readyzMaxMs)} ms`);
    assert.ok(probed.ingestMaxMs < LATENCY_BOUND_MS, `a 1-span export took up to ${Math.round(probed.ingestMaxMs)} ms`);
  });
});
