import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import { encodeTracesData } from '@tracehouse/otlp';
import { span } from '../../../store/test/fixtures';
import { startTestServer, type TestServer } from '../helpers';
import { ADMIN_TOKEN, call, createToken } from '../support/auth';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One trace of `spans` spans as an OTLP/protobuf body (~300 bytes per span). */
function traceBody(spans: number): { traceId: string; body: Uint8Array } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, body: encodeTracesData(Array.from({ length: spans }, () => span(traceId))) };
}

describe('per-tenant ingest rate (ingest.tenantRateBytes)', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};

  before(async () => {
    server = await startTestServer({
      auth: true,
      sets: [
        `auth.adminToken=${ADMIN_TOKEN}`,
        'ingest.tenantRateBytes=20KB',
        'ingest.tenantBurstBytes=40KB',
        'ingest.tenantRateOverrides=initech=0,default=0',
      ],
    });
    for (const tenant of ['acme', 'globex', 'initech', 'default']) {
      tokens[tenant] = (await createToken(server, { name: `${tenant}-ingest`, kind: 'ingest', tenant })).secret;
    }
  });
  after(() => server.stop());

  const post = (tenant: string, body: Uint8Array) =>
    fetch(`${server.urls.otlpHttp}/v1/traces`, {
      method: 'POST',
      body: body as BodyInit,
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${tokens[tenant]}` },
    });
  const stored = async (traceId: string) => {
    const [row] = await server.store.sql.query<{ n: string }>(
      'SELECT count() AS n FROM spans_recent WHERE TraceId = {id:String}',
      { id: traceId },
    );
    return Number(row!.n);
  };

  test('a tenant over its rate gets 429 and nothing of it is written; others are not slowed; it recovers', async () => {
    const first = traceBody(100);
    assert.ok(first.body.length > 20_000 && first.body.length < 40_000, `body of ${first.body.length} bytes`);
    assert.equal((await post('acme', first.body)).status, 200);
    assert.equal((await post('acme', traceBody(100).body)).status, 200, 'still within the burst');

    const refused = traceBody(100);
    const res = await post('acme', refused.body);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '1');
    assert.equal(await stored(refused.traceId), 0, 'a refused request changes nothing');

    // gRPC answers the same refusal with RESOURCE_EXHAUSTED, which OTLP exporters retry.
    const client = new Client(server.urls.otlpGrpc, credentials.createInsecure());
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${tokens.acme}`);
    const code = await new Promise<number>((resolve) => {
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(traceBody(10).body),
        metadata,
        (err) => resolve(err?.code ?? status.OK),
      );
    });
    client.close();
    assert.equal(code, status.RESOURCE_EXHAUSTED);

    const other = traceBody(100);
    assert.equal((await post('globex', other.body)).status, 200, 'globex has its own bucket');
    for (let i = 0; i < 4; i++) {
      assert.equal((await post('initech', traceBody(100).body)).status, 200, 'initech is not limited (override 0)');
      assert.equal((await post('default', traceBody(100).body)).status, 200, 'nor the default tenant, named as such');
    }

    const metrics = await call(server, 'GET', '/metrics', { token: ADMIN_TOKEN });
    assert.match(metrics.body, /tracehouse_ingest_over_quota_requests_total\{tenant="acme",signal="traces"\} 2/);
    assert.doesNotMatch(metrics.body, /tracehouse_ingest_over_quota_requests_total\{tenant="globex"/);

    await sleep(2200); // 44 KB of refill pays the ~20 KB of debt
    const later = traceBody(100);
    assert.equal((await post('acme', later.body)).status, 200);
    assert.equal(await stored(first.traceId), 100);
    assert.equal(await stored(later.traceId), 100);
    assert.equal(await stored(other.traceId), 100);
  });
});
