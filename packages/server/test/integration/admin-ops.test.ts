import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type Browser, chromium } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers';
import { ADMIN_TOKEN, addUser, call } from '../support/auth';
import { exportOnce, otlpExporters } from '../support/otlp';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('/admin/ops', () => {
  let server: TestServer;
  let browser: Browser;
  let viewerPassword: string;
  let adminPassword: string;
  before(async () => {
    // No processor ticks: the summary's sampling section stays empty however slow this setup is.
    server = await startTestServer({ auth: true, sets: [`auth.adminToken=${ADMIN_TOKEN}`, 'processor.interval=0'] });
    viewerPassword = await addUser(server, 'vic', 'viewer');
    adminPassword = await addUser(server, 'amy', 'admin');
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'ops-test' }),
      spanProcessors: [new SimpleSpanProcessor(memory)],
    });
    const span = provider.getTracer('t').startSpan('secret-span-name-xyz', { attributes: { 'db.password': 'p' } });
    span.end();
    const r = await exportOnce(otlpExporters(server, 'http/protobuf').traces, memory.getFinishedSpans());
    assert.equal(r.code, 0);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  after(async () => {
    await browser?.close();
    await server.stop();
  });

  test('the summary API: counts, sizes and settings, never telemetry content', async () => {
    await new Promise((r) => setTimeout(r, 200));
    const r = await call(server, 'GET', '/api/v1/admin/ops/summary', { token: ADMIN_TOKEN });
    assert.equal(r.status, 200);
    const traces = r.body.ingest.signals.find((s: { signal: string }) => s.signal === 'traces');
    assert.equal(traces.receivedTotal, 1);
    assert.equal(traces.redactedTotal, 1);
    const spans = r.body.storage.tables.find((t: { table: string }) => t.table === 'spans_recent');
    assert.equal(spans.rows, 1);
    assert.ok(spans.oldestUnixSeconds > Date.now() / 1000 - 600);
    assert.equal(r.body.retentionSeconds.spansRecent, 3600);
    assert.equal(r.body.health.ready, true);
    assert.deepEqual(r.body.sampling.rules, []);
    const text = JSON.stringify(r.body);
    assert.doesNotMatch(text, /secret-span-name-xyz|ops-test/);
    const viewer = await call(server, 'GET', '/api/v1/admin/ops/summary', {
      cookie: await (async () => {
        const res = await call(server, 'POST', '/api/v1/auth/login', {
          body: { username: 'vic', password: viewerPassword },
        });
        return res.headers.get('set-cookie')!.split(';')[0]!;
      })(),
    });
    assert.equal(viewer.status, 403);
  });

  async function logIn(username: string, password: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.urls.api}/admin/ops`);
    assert.match(page.url(), /\/login\?next=%2Fadmin%2Fops$/);
    await page.fill('#username', username);
    await page.fill('#password', password);
    const landed = page.waitForURL(/\/admin\/ops$/);
    await page.click('button[type=submit]');
    await landed;
    return { context, page };
  }

  test('browser: a viewer logs in and cannot reach /admin/ops', async () => {
    const { context, page } = await logIn('vic', viewerPassword);
    try {
      const res = await page.reload();
      assert.equal(res?.status(), 403);
      assert.doesNotMatch(await page.content(), /Ops summary/);
      assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is HttpOnly');
    } finally {
      await context.close();
    }
  });

  test('browser: an admin sees the summary', async () => {
    const { context, page } = await logIn('amy', adminPassword);
    try {
      const res = await page.reload();
      assert.equal(res?.status(), 200);
      assert.equal(await page.textContent('h1'), 'Ops summary');
      const storage = await page.textContent('#storage');
      assert.match(storage!, /spans_recent/);
      assert.match(storage!, /spansRecent\s*1h/);
      assert.match((await page.textContent('#ingest'))!, /traces/);
      assert.doesNotMatch(await page.content(), /secret-span-name-xyz/);
      // The page's own fetch of the API works with the session (same origin).
      const status = await page.evaluate(async () => (await fetch('/api/v1/admin/ops/summary')).status);
      assert.equal(status, 200);
    } finally {
      await context.close();
    }
  });
});
