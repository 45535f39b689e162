import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { encodeTracesData, spansToTracesData } from '@tracehouse/otlp';
import { hex, span } from '../../../store/test/fixtures';
import { startTestServer, type TestServer } from '../helpers';

const MAX_BODY = 64 * 1024;

describe('bad input gets a clear 4xx and stores nothing', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ sets: [`ingest.maxBodyBytes=${MAX_BODY}`] });
  });
  after(() => server.stop());

  const post = (path: string, body: Uint8Array | string, headers: Record<string, string>) =>
    fetch(server.urls.otlpHttp + path, { method: 'POST', body: body as BodyInit, headers });

  async function storedSpans(): Promise<number> {
    const rows = await server.store.sql.query<{ n: string }>('SELECT toString(count()) AS n FROM spans_recent');
    return Number(rows[0]!.n);
  }

  test('undecodable protobuf and JSON are 400 with a reason', async () => {
    const before = await storedSpans();
    const garbage = await post('/v1/traces', new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1]), {
      'content-type': 'application/x-protobuf',
    });
    assert.equal(garbage.status, 400);
    const json = await post('/v1/traces', '{"resourceSpans": [', { 'content-type': 'application/json' });
    assert.equal(json.status, 400);
    const body = await json.json();
    assert.equal(body.code, 3);
    assert.ok(body.message.length > 0);
    for (const path of ['/v1/traces', '/v1/logs', '/v1/metrics']) {
      const empty = await post(path, '', { 'content-type': 'application/json' });
      assert.equal(empty.status, 400, `empty JSON body on ${path}`);
      assert.match((await empty.json()).message, /malformed JSON/);
    }
    // An empty protobuf body is a valid, empty request.
    assert.equal(
      (await post('/v1/traces', new Uint8Array(0), { 'content-type': 'application/x-protobuf' })).status,
      200,
    );
    assert.equal(await storedSpans(), before);
  });

  test('a wrong content type is 415, a wrong method 405, an unknown path 404', async () => {
    assert.equal((await post('/v1/traces', 'x', { 'content-type': 'text/plain' })).status, 415);
    assert.equal(
      (await post('/v1/traces', 'x', { 'content-type': 'application/json', 'content-encoding': 'br' })).status,
      415,
    );
    assert.equal((await fetch(`${server.urls.otlpHttp}/v1/traces`)).status, 405);
    assert.equal((await post('/v1/nope', '{}', { 'content-type': 'application/json' })).status, 404);
  });

  test('bodies over the limit are 413, before and after decompression (gzip bomb)', async () => {
    const before = await storedSpans();
    const big = await post('/v1/logs', new Uint8Array(MAX_BODY + 1), { 'content-type': 'application/x-protobuf' });
    assert.equal(big.status, 413);
    // 50 MiB of zeros compresses to ~50 KiB: under the limit on the wire, far over it inflated.
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    assert.ok(bomb.length < MAX_BODY);
    const res = await post('/v1/traces', bomb, {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    assert.equal(res.status, 413);
    assert.equal(
      (await post('/v1/traces', 'not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status,
      400,
    );
    assert.equal(await storedSpans(), before);
  });

  test('invalid ids are refused item by item with partial_success; the rest is stored', async () => {
    const good = span(hex(16));
    const badTrace = span('00'.repeat(16));
    const json = spansToTracesData([good, badTrace]);
    const res = await post('/v1/traces', JSON.stringify(json), { 'content-type': 'application/json' });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(Number(body.partialSuccess.rejectedSpans), 1);
    assert.match(body.partialSuccess.errorMessage, /trace/i);
    const stored = await server.get(`/api/v1/traces/${good.TraceId}`);
    assert.equal(stored.status, 200);
  });

  test('gzip-compressed protobuf is accepted', async () => {
    const s = span(hex(16));
    const res = await post('/v1/traces', gzipSync(encodeTracesData([s])), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    assert.equal(res.status, 200);
    assert.equal((await server.get(`/api/v1/traces/${s.TraceId}`)).status, 200);
  });

  test('the server keeps serving after all of the above', async () => {
    assert.equal((await server.get('/livez')).status, 200);
    assert.equal((await server.get('/readyz')).status, 200);
    const metrics = await fetch(`${server.urls.api}/metrics`);
    const text = await metrics.text();
    assert.match(text, /tracehouse_otlp_requests_total\{signal="traces",protocol="http",outcome="too_large"\} [1-9]/);
    assert.match(text, /tracehouse_store_rows_written_total\{table="spans_recent"\} [1-9]/);
  });
});
