import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { logsToLogsData, spansToTracesData } from '@tracehouse/otlp';
import { hex, logRecord, span } from '../../../store/test/fixtures';
import { startTestServer, type TestServer } from '../helpers';
import { exportJson } from '../support/responsiveness';

// The default write path (ingest.journal): an export is answered once journaled, and the API
// reads what was answered even while the rows still wait for their insert. The process tests
// (sampling-crash: kill -9, then a restart) run the journal too, as the default.
describe('exports through the write-ahead journal', () => {
  let server: TestServer;
  before(async () => {
    // A minute: nothing is inserted by the timer while the test runs.
    server = await startTestServer({ sets: ['ingest.journal=true', 'ingest.journalInterval=60s'] });
  });
  after(() => server.stop());

  const count = async (table: string, traceId: string) => {
    const [row] = await server.store.sql.query<{ n: string }>(
      `SELECT count() AS n FROM ${table} WHERE TraceId = {t:String}`,
      { t: traceId },
    );
    return Number(row!.n);
  };

  test('an answered export is read back by the API before its insert was due', async () => {
    const traceId = hex(16);
    const spans = [span(traceId, { SpanName: 'journaled-root' }), span(traceId)];
    await exportJson(server, 'traces', spansToTracesData(spans));
    await exportJson(server, 'logs', logsToLogsData([logRecord({ TraceId: traceId, Body: 'journaled-log' })]));
    assert.equal(await count('spans_recent', traceId), 0, 'answered before the insert');
    assert.equal(await count('logs', traceId), 0);

    const trace = await server.get(`/api/v1/traces/${traceId}`);
    assert.equal(trace.status, 200);
    const names = trace.body.resourceSpans.flatMap((r: { scopeSpans: { spans: { name: string }[] }[] }) =>
      r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name)),
    );
    assert.equal(names.length, 2);
    assert.ok(names.includes('journaled-root'));

    const now = Math.floor(Date.now() / 1000);
    const logs = await server.get(`/api/v1/logs?start=${now - 600}&end=${now + 60}&limit=10&traceId=${traceId}`);
    assert.equal(logs.status, 200);
    assert.deepEqual(
      logs.body.logs.map((l: { body: string }) => l.body),
      ['journaled-log'],
    );
    assert.equal(await count('spans_recent', traceId), 2, 'the reads inserted them');
  });
});
