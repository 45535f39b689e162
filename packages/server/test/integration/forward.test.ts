import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { decodeTraces, encodeTracesData, type SpanRecord } from '@tracehouse/otlp';
import { span } from '../../../store/test/fixtures';
import { startTestServer, type TestServer } from '../helpers';
import { ADMIN_TOKEN, createToken } from '../support/auth';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function trace(n: number, status: SpanRecord['StatusCode']): SpanRecord[] {
  const traceId = hex(16);
  const root = span(traceId, { StatusCode: status, TraceState: '' });
  return [
    root,
    ...Array.from({ length: n - 1 }, () => span(traceId, { ParentSpanId: root.SpanId, StatusCode: 'Unset' })),
  ];
}

/**
 * A downstream OTLP/HTTP backend that can be taken down (503 + Retry-After) and brought
 * back; it decodes what it accepts. (A second tracehouse cannot share this process: chDB
 * holds one data directory per process.)
 */
async function downstreamBackend() {
  let down = false;
  let refused = 0;
  const received: SpanRecord[] = [];
  /** Each accepted request: its headers and the trace ids it held. */
  const requests: { headers: http.IncomingHttpHeaders; traceIds: Set<string> }[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (down) {
      refused++;
      res.writeHead(503, { 'retry-after': '1' }).end();
      return;
    }
    assert.equal(req.url, '/v1/traces');
    assert.equal(req.headers['content-type'], 'application/x-protobuf');
    const { records } = decodeTraces(Buffer.concat(chunks), 'protobuf');
    received.push(...records);
    requests.push({ headers: req.headers, traceIds: new Set(records.map((s) => s.TraceId)) });
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setDown: (d: boolean) => {
      down = d;
    },
    refused: () => refused,
    requests: () => requests,
    spansOf: (traceId: string) => received.filter((s) => s.TraceId === traceId),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * A gateway forwarding to a fresh downstream for the enclosing describe, on a clock the test moves
 * (`tick` also runs the processors once).
 */
function gatewayFixture(opts: { auth?: boolean; sets?: string[] } = {}) {
  const fixture = {} as { gateway: TestServer; downstream: Awaited<ReturnType<typeof downstreamBackend>> };
  let now = Date.now();
  before(async () => {
    fixture.downstream = await downstreamBackend();
    fixture.gateway = await startTestServer({
      auth: opts.auth,
      clock: () => now,
      sets: ['processor.interval=0', `forward.otlpEndpoint=${fixture.downstream.url}`, ...(opts.sets ?? [])],
    });
  });
  after(async () => {
    await fixture.gateway.stop();
    await fixture.downstream.close();
  });
  const tick = async (advanceMs: number) => {
    now = Math.max(now, Date.now()) + advanceMs;
    await fixture.gateway.processors.runOnce();
  };
  return { fixture, tick };
}

describe('gateway mode (forward.otlpEndpoint)', () => {
  const { fixture, tick } = gatewayFixture();

  const send = async (spans: SpanRecord[]) => {
    const res = await fetch(`${fixture.gateway.urls.otlpHttp}/v1/traces`, {
      method: 'POST',
      body: encodeTracesData(spans) as BodyInit,
      headers: { 'content-type': 'application/x-protobuf' },
    });
    assert.equal(res.status, 200);
  };
  const downstreamCount = async (traceId: string) => fixture.downstream.spansOf(traceId).length;

  test('kept traces are exported with their th; dropped ones are not', async () => {
    const kept = trace(5, 'Error');
    const dropped = trace(5, 'Unset').map((s) => ({ ...s, TraceId: `${hex(9)}${'0'.repeat(14)}` }));
    await send([...kept, ...dropped]);
    await tick(2500); // decided and copied
    await sleep(2100); // past the visibility lag
    await tick(100);
    assert.equal(await downstreamCount(kept[0]!.TraceId), 5);
    assert.equal(await downstreamCount(dropped[0]!.TraceId), 0);
    const [first] = fixture.downstream.spansOf(kept[0]!.TraceId);
    assert.equal(first!.TraceState, 'ot=th:0');
    assert.equal(first!.SpanAttributes['sampling.adjusted_count'], '1');
  });

  test('a downstream outage delays forwarding and loses nothing', async () => {
    fixture.downstream.setDown(true);
    const traces = Array.from({ length: 10 }, () => trace(4, 'Error'));
    await send(traces.flat());
    await tick(2500);
    await sleep(2100);
    for (let i = 0; i < 3; i++) await tick(5000); // retried with backoff, refused each time
    assert.ok(fixture.downstream.refused() >= 2, `refused ${fixture.downstream.refused()}`);
    for (const t of traces) assert.equal(await downstreamCount(t[0]!.TraceId), 0);
    const metrics = (await fixture.gateway.get('/metrics')).body as string;
    assert.match(metrics, /tracehouse_forward_lag_seconds [1-9]/);

    fixture.downstream.setDown(false);
    await tick(70_000); // past the longest backoff
    for (const t of traces) assert.equal(await downstreamCount(t[0]!.TraceId), 4, 'each span exactly once');
  });
});

describe('gateway mode with tenants (forward.tenantHeader, forward.headers)', () => {
  const { fixture, tick } = gatewayFixture({
    auth: true,
    sets: [
      `auth.adminToken=${ADMIN_TOKEN}`,
      'forward.tenantHeader=X-Scope-OrgID',
      'forward.headers=Authorization=Bearer%20downstream-credential',
    ],
  });

  test("each request holds one tenant's spans, names the tenant, and carries the configured headers", async () => {
    const sent: Record<string, string[]> = { default: [], acme: [], globex: [] };
    for (const tenant of Object.keys(sent)) {
      const { secret } = await createToken(fixture.gateway, {
        name: `${tenant}-ingest`,
        kind: 'ingest',
        ...(tenant === 'default' ? {} : { tenant }),
      });
      const traces = Array.from({ length: 3 }, () => trace(3, 'Error'));
      const res = await fetch(`${fixture.gateway.urls.otlpHttp}/v1/traces`, {
        method: 'POST',
        body: encodeTracesData(traces.flat()) as BodyInit,
        headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${secret}` },
      });
      assert.equal(res.status, 200);
      sent[tenant] = traces.map((t) => t[0]!.TraceId);
    }
    await tick(2500);
    await sleep(2100);
    await tick(100);

    for (const [tenant, traceIds] of Object.entries(sent)) {
      for (const traceId of traceIds)
        assert.equal(fixture.downstream.spansOf(traceId).length, 3, `${tenant} ${traceId}`);
    }
    const requests = fixture.downstream.requests();
    assert.ok(requests.length >= 3);
    for (const { headers, traceIds } of requests) {
      const tenant = headers['x-scope-orgid'];
      assert.ok(typeof tenant === 'string' && tenant in sent, `tenant header ${String(tenant)}`);
      for (const traceId of traceIds) assert.ok(sent[tenant]!.includes(traceId), `${traceId} is not ${tenant}'s`);
      assert.equal(headers.authorization, 'Bearer downstream-credential');
      assert.equal(headers['content-type'], 'application/x-protobuf');
    }
  });
});
