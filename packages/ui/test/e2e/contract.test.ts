// The telemetry-contract page in headless Chromium shows what GET /api/v1/contract reports for
// the seeded services (loadgen's services set no correlation_id, so each has violations).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { assertBuilt, launch, seed, shot, startTestServer, type TestServer, waitForTrace } from './harness';

let server: TestServer;
let browser: Browser;

before(async () => {
  assertBuilt();
  server = await startTestServer();
  const traces = await seed(server, { seed: 'ui-e2e-contract', traces: 20, spreadMs: 10_000 });
  for (const t of traces) await waitForTrace(server, t.traceId, t.spans.length);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the contract page lists each service with its violations and links example traces', async () => {
  const report = (await server.get('/api/v1/contract')).body as {
    services: { service: string; violations: { rule: string; examples: string[] }[] }[];
  };
  assert.ok(report.services.length > 0, 'the seeded services break the contract');
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${server.urls.api}/contract`);
  await page.waitForSelector('[data-testid="contract-service"]');
  await shot(page, 'contract-view');
  const sections = page.locator('[data-testid="contract-service"]');
  assert.equal(await sections.count(), report.services.length);
  for (const [i, s] of report.services.entries()) {
    const section = sections.nth(i);
    assert.equal(await section.locator('h3').textContent(), s.service);
    assert.equal(await section.locator('tbody tr').count(), s.violations.length);
  }
  const traceLinks = report.services
    .flatMap((s) => s.violations.flatMap((v) => v.examples))
    .filter((e) => /^[0-9a-f]{32}$/.test(e));
  assert.equal(await page.locator('[data-testid="contract-report"] a[href^="/trace/"]').count(), traceLinks.length);
  await page.close();
});
