import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTestServer, type TestServer } from '../helpers';
import { ADMIN_TOKEN } from '../support/auth';
import { exportOnce, otlpExporters, PROTOCOLS } from '../support/otlp';

function httpsRequest(
  url: string,
  ca: Buffer,
  opts: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = opts.body === undefined ? {} : { 'content-type': 'application/json' };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const req = request(url, { ca, method: opts.method ?? 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}

describe('TLS for the API, OTLP/HTTP and OTLP/gRPC', () => {
  let dir: string;
  let ca: Buffer;
  let server: TestServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracehouse-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const args =
      '-x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1';
    execFileSync('openssl', ['req', ...args.split(' '), '-keyout', key, '-out', cert], { stdio: 'ignore' });
    ca = readFileSync(cert);
    server = await startTestServer({
      auth: true,
      sets: [`tls.certFile=${cert}`, `tls.keyFile=${key}`, `auth.adminToken=${ADMIN_TOKEN}`],
    });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the API answers over https only', async () => {
    assert.match(server.urls.api, /^https:/);
    assert.match(server.urls.otlpHttp, /^https:/);
    const res = await httpsRequest(`${server.urls.api}/livez`, ca);
    assert.equal(res.status, 200);
    await assert.rejects(fetch(server.urls.api.replace('https:', 'http:') + '/livez'));
    // Without trusting our certificate, a client refuses the connection.
    await assert.rejects(fetch(`${server.urls.api}/livez`));
  });

  test('over https the session cookie is Secure', async () => {
    const user = { username: 'tess', role: 'viewer', password: 'tess-password-1' };
    const added = await httpsRequest(`${server.urls.api}/api/v1/admin/users`, ca, {
      method: 'POST',
      body: user,
      token: ADMIN_TOKEN,
    });
    assert.equal(added.status, 200, added.body);
    const res = await httpsRequest(`${server.urls.api}/api/v1/auth/login`, ca, {
      method: 'POST',
      body: { username: 'tess', password: 'tess-password-1' },
    });
    assert.equal(res.status, 200, res.body);
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /HttpOnly/);
  });

  for (const protocol of PROTOCOLS) {
    test(`the official exporter sends over ${protocol} with TLS`, async () => {
      const memory = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': `tls-${protocol}` }),
        spanProcessors: [new SimpleSpanProcessor(memory)],
      });
      provider.getTracer('t').startSpan('secure op').end();
      const r = await exportOnce(otlpExporters(server, protocol, { ca }).traces, memory.getFinishedSpans());
      assert.equal(r.code, 0, r.error?.message);
      await new Promise((res) => setTimeout(res, 100));
      const rows = await server.store.sql.query<{ n: string }>(
        'SELECT count() AS n FROM spans_recent WHERE ServiceName = {s:String}',
        { s: `tls-${protocol}` },
      );
      assert.equal(Number(rows[0]!.n), 1);
      // And a client that does not trust the certificate fails.
      const untrusted = await exportOnce(
        otlpExporters(server, protocol, { ca: Buffer.from('') }).traces,
        memory.getFinishedSpans(),
      );
      assert.notEqual(untrusted.code, 0);
    });
  }
});
