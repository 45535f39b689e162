// Metrics in a browser: a metric sent with the official OpenTelemetry SDK over OTLP is found by
// name in the explorer and charted; a dashboard built in the UI survives a restart and opens
// from its link.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertBuilt, launch, shot, startTestServer, type TestServer } from './harness';
import { sendShopMetrics } from './shopMetrics';

describe('metrics explorer and dashboards in a browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-ui-metrics-'));
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let counterName = '';

  before(async () => {
    assertBuilt();
    server = await startTestServer({ dataDir });
    await sendShopMetrics(server, 'checkout', 4);
    const deadline = Date.now() + 30_000;
    while (!counterName) {
      const r = await server.get('/prometheus/api/v1/label/__name__/values');
      counterName = (r.body?.data ?? []).find((n: string) => n.startsWith('shop_orders')) ?? '';
      if (Date.now() > deadline) throw new Error(`shop.orders not served: ${JSON.stringify(r.body)}`);
      if (!counterName) await new Promise((r) => setTimeout(r, 200));
    }
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a metric sent over OTLP is found by name and charted as a rate', async () => {
    await page.goto(`${server.urls.api}/explore?since=15m`);
    const box = page.locator('[data-testid="metric-name"]');
    await box.pressSequentially('shop_or');
    await page.waitForSelector(`[data-testid="metric-name-suggestions"] div:text("${counterName}")`);
    await box.press('Tab');
    assert.equal(await box.inputValue(), counterName);
    await box.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('metric') === counterName);
    await page.waitForSelector('[data-testid="explorer-chart"] canvas');
    assert.match((await page.textContent('[data-testid="metric-info"]'))!, /counter/);
    assert.match((await page.textContent('[data-testid="explorer-query"]'))!, new RegExp(`rate\\(${counterName}\\[`));
    const points = Number(await page.getAttribute('[data-testid="explorer-chart"]', 'data-points'));
    assert.ok(points > 0, `points drawn: ${points}`);
    // Group by a label: one series per payment method.
    await page.check('input[aria-label="group by payment_method"]');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="explorer-query"]')?.textContent?.includes('by (payment_method)'),
    );
    await page.waitForSelector('[data-testid="explorer-chart"][data-series="3"] canvas');
    const legend = (await page.textContent('[data-testid="explorer-chart"] .u-legend'))!;
    assert.ok(
      ['card', 'paypal', 'invoice'].every((m) => legend.includes(m)),
      legend,
    );
    // The pointer near a line emphasises its series (legend row included), the others fade;
    // leaving the plot restores them.
    const over = (await page.locator('[data-testid="explorer-chart"] .u-over').boundingBox())!;
    const focused = '[data-testid="explorer-chart"] .ts-focused .u-legend .ts-focus-row';
    search: for (let x = 1; x > 0.5; x -= 0.05)
      for (let y = 0.05; y < 1; y += 0.05) {
        await page.mouse.move(over.x + over.width * x - 1, over.y + over.height * y);
        if (await page.$(focused)) break search;
      }
    const row = (await page.textContent(focused))!;
    assert.ok(
      ['card', 'paypal', 'invoice'].some((m) => row.includes(m)),
      row,
    );
    assert.match(row, /\d\/s$/, `the legend shows the value under the pointer: ${row}`);
    await shot(page, 'metrics-explorer');
    await page.mouse.move(over.x - 40, over.y - 40);
    await page.waitForSelector(focused, { state: 'detached' });
  });

  test('a dashboard built in the UI survives a restart and opens from its link', async () => {
    await page.goto(`${server.urls.api}/dashboards`);
    await page.fill('input[aria-label="new dashboard title"]', 'Checkout board');
    await page.click('text=Create');
    await page.waitForURL(/\/dashboards\/checkout-board$/);
    await page.click('[data-testid="dash-edit"]');
    await page.click('[data-testid="dash-add-panel"]');
    await page.fill('input[aria-label="panel 1 title"]', 'orders per second');
    await page.fill('input[aria-label="panel 1 query"]', `sum(rate(${counterName}[5m]))`);
    await page.click('[data-testid="dash-save"]');
    await page.waitForSelector('[data-testid="dash-saved"]:text("saved")');

    await server.stop({ keepData: true });
    server = await startTestServer({ dataDir });
    await page.goto(`${server.urls.api}/dashboards/checkout-board?since=15m`);
    await page.waitForSelector('[data-testid="dash-panel"] [data-testid="prom-chart"] canvas');
    assert.equal(await page.textContent('[data-testid="dash-panel"] h4'), 'orders per second');
    assert.ok(Number(await page.getAttribute('[data-testid="prom-chart"]', 'data-points')) > 0);
    await shot(page, 'dashboard');
  });
});
