import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { logsToLogsData, spansToTracesData } from '@tracehouse/otlp';
import { hex, logRecord, span } from '../../../../store/test/fixtures';
import { startTestServer, type TestServer } from '../../helpers';
import { timedRequest } from '../../support/responsiveness';

describe('what cannot be stored faithfully is rejected with a reason (issue 15 item 8)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  async function post(signal: string, doc: unknown) {
    const r = await timedRequest(`${server.urls.otlpHttp}/v1/${signal}`, {
      method: 'POST',
      body: Buffer.from(JSON.stringify(doc)),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(r.status, 200, r.body);
    return JSON.parse(r.body).partialSuccess ?? {};
  }

  interface JsonSpan {
    spanId: string;
    name: string;
    startTimeUnixNano: string;
  }
  async function traceSpans(traceId: string): Promise<JsonSpan[]> {
    const trace = await server.get(`/api/v1/traces/${traceId}`);
    return trace.body.resourceSpans.flatMap((r: { scopeSpans: { spans: JsonSpan[] }[] }) =>
      r.scopeSpans.flatMap((s) => s.spans),
    );
  }

  test('a start time of 2^64-1 is rejected, not stored as -1', async () => {
    const traceId = hex(16);
    const max = String(2n ** 64n - 1n);
    const ok = span(traceId);
    const partial = await post(
      'traces',
      spansToTracesData([
        ok,
        span(traceId, { Timestamp: max, Duration: '0' }),
        span(traceId, { Duration: String(2n ** 64n - 1n - BigInt(ok.Timestamp)) }),
      ]),
    );
    assert.equal(partial.rejectedSpans, '2');
    assert.match(partial.errorMessage, /start or end time outside/);
    const spans = await traceSpans(traceId);
    assert.deepEqual(
      spans.map((s) => s.spanId),
      [ok.SpanId],
    );
    assert.ok(spans.every((s) => BigInt(s.startTimeUnixNano) > 0n));
  });

  test('1,000 spans sharing one span id: the first is kept, 999 rejected with the reason', async () => {
    const traceId = hex(16);
    const spanId = hex(8);
    const same = Array.from({ length: 1000 }, (_, i) => span(traceId, { SpanId: spanId, SpanName: `op-${i}` }));
    const partial = await post('traces', spansToTracesData(same));
    assert.equal(partial.rejectedSpans, '999');
    assert.match(partial.errorMessage, /span_id repeated within its trace/);
    // A retry of the same export (a later request) is accepted: a trace read shows one copy.
    assert.deepEqual(await post('traces', spansToTracesData(same.slice(0, 1))), {});
    const spans = await traceSpans(traceId);
    assert.equal(spans.length, 1);
    assert.equal(spans[0].name, 'op-0');
  });

  test('a log record with neither time is stored at the time it was received', async () => {
    const before = Date.now();
    const partial = await post(
      'logs',
      logsToLogsData([logRecord({ Timestamp: '0', ObservedTimestamp: '0', Body: 'no-time' })]),
    );
    assert.deepEqual(partial, {});
    const [row] = await server.store.sql.query<{ t: string }>(
      "SELECT toString(toUnixTimestamp64Milli(ObservedTimestamp)) AS t FROM logs WHERE Body = 'no-time'",
    );
    assert.ok(Number(row!.t) >= before - 1000 && Number(row!.t) <= Date.now() + 1000, `observed ${row!.t}`);
  });
});
