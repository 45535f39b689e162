import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTestServer, type TestServer } from '../helpers';
import { ADMIN_TOKEN, call, createToken } from '../support/auth';
import { exportOnce, otlpExporters, PROTOCOLS } from '../support/otlp';

/** Finished spans from the SDK, to hand to an exporter directly and see its result. */
function makeSpans(service: string) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  provider.getTracer('t').startSpan('op').end();
  return memory.getFinishedSpans();
}

async function spanCount(server: TestServer, service: string): Promise<number> {
  await new Promise((r) => setTimeout(r, 100));
  const rows = await server.store.sql.query<{ n: string }>(
    'SELECT count() AS n FROM spans_recent WHERE ServiceName = {s:String}',
    { s: service },
  );
  return Number(rows[0]!.n);
}

describe('ingest tokens', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ auth: true, sets: [`auth.adminToken=${ADMIN_TOKEN}`] });
  });
  after(() => server.stop());

  test('without ingest tokens configured, exports need none', async () => {
    const r = await exportOnce(otlpExporters(server, 'http/protobuf').traces, makeSpans('open-door'));
    assert.equal(r.code, 0);
    assert.equal(await spanCount(server, 'open-door'), 1);
  });

  test('with an ingest token configured, unauthenticated exports are refused and store nothing', async () => {
    const { secret, id } = await createToken(server, { name: 'shop', kind: 'ingest', tenant: 'shop' });
    // An API token is not an ingest token.
    const api = await createToken(server, { name: 'reader', kind: 'api', role: 'admin' });
    for (const protocol of PROTOCOLS) {
      for (const token of [undefined, 'thi_wrong', api.secret]) {
        const service = `refused-${protocol}-${token ? token.slice(0, 4) : 'none'}`;
        const r = await exportOnce(otlpExporters(server, protocol, { token }).traces, makeSpans(service));
        assert.notEqual(r.code, 0, `${protocol} without a valid token`);
        assert.match(String(r.error?.message), protocol === 'grpc' ? /UNAUTHENTICATED|16/ : /401|Unauthorized/i);
        assert.equal(await spanCount(server, service), 0);
      }
      const ok = await exportOnce(
        otlpExporters(server, protocol, { token: secret }).traces,
        makeSpans(`ok-${protocol}`),
      );
      assert.equal(ok.code, 0, `${protocol} with the token: ${ok.error?.message}`);
      assert.equal(await spanCount(server, `ok-${protocol}`), 1);
    }
    // A raw request shows the OTLP error body and the header.
    const raw = await fetch(`${server.urls.otlpHttp}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resourceSpans":[]}',
    });
    assert.equal(raw.status, 401);
    assert.equal(raw.headers.get('www-authenticate'), 'Bearer');
    assert.equal((await raw.json()).code, 16);

    const metrics = await (
      await fetch(`${server.urls.api}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).text();
    for (const protocol of ['http', 'grpc'])
      assert.match(
        metrics,
        new RegExp(
          `tracehouse_otlp_requests_total\\{[^}]*protocol="${protocol}"[^}]*outcome="unauthenticated"\\} [1-9]`,
        ),
      );

    // Revoked: refused again.
    assert.equal((await call(server, 'DELETE', `/api/v1/admin/tokens/${id}`, { token: ADMIN_TOKEN })).status, 204);
    const after = await exportOnce(otlpExporters(server, 'grpc', { token: secret }).traces, makeSpans('after-revoke'));
    assert.notEqual(after.code, 0);
  });
});
