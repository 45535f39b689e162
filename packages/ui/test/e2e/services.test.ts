// The metric spike -> traces -> logs journey and the service map, in headless Chromium against
// a real tracehouse fed with loadgen traffic (its topology has self-calls and services that
// call each other). Derived metrics run on 1 s intervals so the first points appear quickly.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertBuilt, launch, seed, shot, startTestServer, type TestServer } from './harness';

// biome-ignore lint/suspicious/noExplicitAny: API bodies read in assertions
type Json = Record<string, any>;

describe('services: RED charts, traces behind a point, service map', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let errorPoint: { service: string; t: number; step: number };

  before(async () => {
    assertBuilt();
    server = await startTestServer({ sets: ['derived.interval=1s', 'derived.lag=300ms'] });
    await seed(server, { seed: 'ui-e2e-services', traces: 300, spreadMs: 8000 });
    // Wait until a computed step of some service shows errors, and until the graph has edges.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const red = await server.get('/api/v1/red?groupBy=service&start=' + (Math.floor(Date.now() / 1000) - 300));
      const best = (red.body.series as Json[])
        .flatMap((s) => s.points.map((p: Json) => ({ service: s.service, t: p.t, ratio: p.errorRatio })))
        .filter((p) => p.ratio > 0)
        .sort((a, b) => b.ratio - a.ratio)[0];
      const graph = await server.get('/api/v1/service-graph?start=' + (Math.floor(Date.now() / 1000) - 300));
      if (best && graph.body.edges.length) {
        errorPoint = { service: best.service, t: best.t, step: red.body.step };
        break;
      }
      if (Date.now() > deadline) throw new Error('no RED errors or service graph computed in time');
      await new Promise((r) => setTimeout(r, 300));
    }
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Page coordinates of time t on a chart's plot area (uPlot's `.u-over`). */
  async function xOf(chart: ReturnType<Page['locator']>, t: number): Promise<{ x: number; y: number }> {
    const over = chart.locator('.u-over');
    // A chart is rebuilt when its data arrives: retry while the plot is being replaced.
    let box = await over.boundingBox();
    for (let i = 0; !box && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      box = await over.boundingBox();
    }
    assert.ok(box, 'the chart is drawn');
    const min = Number(await chart.getAttribute('data-x-min'));
    const max = Number(await chart.getAttribute('data-x-max'));
    return { x: box.x + ((t - min) / (max - min)) * box.width, y: box.y + box.height / 2 };
  }

  test('clicking an error spike lists error traces in the viewport; their logs are one click away', async () => {
    await page.goto(`${server.urls.api}/services?since=5m`);
    const panel = page.locator(`[data-testid="red-panel"][data-service="${errorPoint.service}"]`);
    const chart = panel.locator('[data-testid="error-chart"]');
    await chart.locator('canvas').first().waitFor();
    await shot(page, 'services-view');
    // The point of the step with the highest error ratio (uPlot draws a step at its start).
    const { x, y } = await xOf(chart, errorPoint.t);
    await page.mouse.click(x, y);
    const drawer = page.locator('[data-testid="traces-drawer"]');
    await page.waitForFunction(() => new URL(location.href).searchParams.has('sel'));
    // A click selects; it does not zoom.
    assert.equal(new URL(page.url()).searchParams.get('since'), '5m');
    assert.equal(new URL(page.url()).searchParams.get('start'), null);
    await drawer.locator('a.trace-link').first().waitFor({ timeout: 30_000 });
    // In the viewport, whatever the scroll position of the page.
    const box = (await drawer.boundingBox())!;
    assert.ok(box.x >= 0 && box.x + box.width <= 1440 && box.y >= 0 && box.y < 900, JSON.stringify(box));
    const rows = drawer.locator('[data-testid="drawer-traces"] tbody tr');
    const n = await rows.count();
    assert.ok(n > 0);
    for (let i = 0; i < n; i++) assert.equal(await rows.nth(i).getAttribute('data-error'), '1', 'only error spans');
    assert.match((await drawer.locator('[data-testid="drawer-query"]').textContent()) ?? '', /status = error/);
    await shot(page, 'services-error-traces');

    // Trace -> its logs -> back to the trace.
    const traceId = await rows.first().getAttribute('data-trace-id');
    await rows.first().locator('a.trace-link').click();
    await page.waitForSelector('.wf-row');
    await page.click('[data-testid="trace-log-count"]');
    await page.waitForURL(/\/logs\?traceId=/);
    assert.equal(new URL(page.url()).searchParams.get('traceId'), traceId);
    await page.goBack();
    await page.waitForSelector('.wf-row');
    // A span -> the RED charts of its operation.
    await page.locator('.wf-row').first().click();
    await page.click('[data-testid="span-red-link"]');
    await page.waitForSelector('[data-testid="red-panel"] canvas');
    const u = new URL(page.url()).searchParams;
    assert.ok(u.get('op') && u.get('service') && u.get('start') && u.get('end'));
  });

  test('dragging across a chart zooms every panel to the range and pins it in the URL, and only zooms', async () => {
    await page.goto(`${server.urls.api}/services?since=15m`);
    const charts = page.locator('[data-testid="rate-chart"]');
    await charts.first().locator('canvas').first().waitFor();
    const first = charts.first();
    const min = Number(await first.getAttribute('data-x-min'));
    const max = Number(await first.getAttribute('data-x-max'));
    // From two minutes before the error spike to just before now: the spike stays in range.
    const from = Math.max(min, errorPoint.t - 120);
    const to = max - 2;
    assert.ok(errorPoint.t + errorPoint.step < to, `${errorPoint.t} ${to}`);
    const a = await xOf(first, from);
    const b = await xOf(first, to);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(() => new URL(location.href).searchParams.has('start'));
    const p = new URL(page.url()).searchParams;
    assert.equal(p.get('since'), null);
    const start = Number(p.get('start'));
    const end = Number(p.get('end'));
    assert.ok(Math.abs(start - from) < (max - min) * 0.02, `${start}`);
    assert.ok(Math.abs(end - to) < (max - min) * 0.02, `${end}`);
    await page.waitForFunction(
      (s) =>
        [...document.querySelectorAll('[data-testid="rate-chart"]')].every((c) => c.getAttribute('data-x-min') === s),
      String(start),
    );
    // A drag is not a click: no selection, no drawer over the charts.
    assert.equal(p.get('sel'), null);
    assert.equal(await page.locator('[data-testid="traces-drawer"]').count(), 0);
    // A click on the spike in the zoomed range still opens the drawer, and keeps the zoom.
    const chart = page.locator(
      `[data-testid="red-panel"][data-service="${errorPoint.service}"] [data-testid="error-chart"]`,
    );
    await page.waitForFunction(
      ([svc, s]) => {
        const c = document.querySelector(
          `[data-testid="red-panel"][data-service="${svc}"] [data-testid="error-chart"]`,
        );
        return c?.getAttribute('data-x-min') === s && Number(c.getAttribute('data-points')) > 0;
      },
      [errorPoint.service, String(start)],
    );
    await chart.scrollIntoViewIfNeeded();
    const c = await xOf(chart, errorPoint.t);
    await page.mouse.click(c.x, c.y);
    await page.locator('[data-testid="traces-drawer"]').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('start'), String(start));
  });

  test('the service map of the loadgen topology draws every node inside the canvas', async () => {
    await page.goto(`${server.urls.api}/services?since=5m`);
    await page.waitForSelector('[data-testid="map-node"]');
    const { body } = await server.get(`/api/v1/service-graph?start=${Math.floor(Date.now() / 1000) - 300}`);
    const nodes = page.locator('[data-testid="map-node"]');
    assert.ok((await nodes.count()) >= body.nodes.length);
    const canvas = (await page.locator('[data-testid="service-map"]').boundingBox())!;
    for (let i = 0; i < (await nodes.count()); i++) {
      const b = (await nodes.nth(i).boundingBox())!;
      const id = await nodes.nth(i).getAttribute('data-node');
      assert.ok(
        b.x >= canvas.x - 1 &&
          b.y >= canvas.y - 1 &&
          b.x + b.width <= canvas.x + canvas.width + 1 &&
          b.y + b.height <= canvas.y + canvas.height + 1,
        `${id} inside the canvas`,
      );
    }
    await page.locator('[data-testid="service-map"]').scrollIntoViewIfNeeded();
    await shot(page, 'service-map');
    // A click on a service keeps the page's time range.
    await page.locator('[data-testid="map-node"] a').first().click();
    await page.waitForURL(/service=/);
    assert.equal(new URL(page.url()).searchParams.get('since'), '5m');
  });

  test("the explorer draws the span metrics' exemplars; a click on a diamond opens its kept trace", async () => {
    // The exemplars the chart draws: the answers to the page's own query_exemplars requests.
    const drawn: Json[] = [];
    const onResponse = async (r: { url(): string; json(): Promise<unknown> }) => {
      if (!r.url().includes('/prometheus/api/v1/query_exemplars')) return;
      const body = (await r.json().catch(() => null)) as Json | null;
      for (const s of body?.data ?? []) for (const e of s.exemplars) if (e.labels.trace_id) drawn.push(e);
    };
    page.on('response', onResponse);
    await page.goto(`${server.urls.api}/explore?since=5m&metric=traces_spanmetrics_latency`);
    const chart = page.locator('[data-testid="explorer-chart"]');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="explorer-chart"]')?.getAttribute('data-marks')) > 0,
      null,
      { timeout: 30_000 },
    );
    page.off('response', onResponse);
    const now = Math.floor(Date.now() / 1000);
    const ex = await server.get(
      `/prometheus/api/v1/query_exemplars?query=traces_spanmetrics_latency_bucket&start=${now - 300}&end=${now + 60}`,
    );
    const all = ex.body.data.flatMap((s: Json) => s.exemplars) as Json[];
    assert.ok(all.length > 0 && all.every((e) => e.labels.trace_id), JSON.stringify(ex.body).slice(0, 300));
    assert.ok(Number(await chart.getAttribute('data-marks')) > 0);
    await shot(page, 'explorer-exemplars');

    // Click the diamond of a drawn exemplar well inside the plot (the y scale starts at 0; at 0
    // the x axis covers the lower half of a diamond).
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.locator('.u-over').boundingBox())!;
    const [xMin, xMax, yMax] = await Promise.all(
      ['data-x-min', 'data-x-max', 'data-y-max'].map(async (a) => Number(await chart.getAttribute(a))),
    );
    const target = drawn.find(
      (e) =>
        Number(e.value) >= yMax * 0.05 && Number(e.value) <= yMax * 0.95 && e.timestamp > xMin && e.timestamp < xMax,
    );
    assert.ok(target, `an exemplar inside the plot: ${JSON.stringify(drawn.slice(0, 3))} yMax=${yMax}`);
    await page.mouse.click(
      box.x + ((target.timestamp - xMin) / (xMax - xMin)) * box.width,
      box.y + box.height * (1 - Number(target.value) / yMax),
    );
    await page.waitForURL(/\/trace\/[0-9a-f]{32}/);
    const opened = new URL(page.url());
    const traceId = opened.pathname.split('/').pop()!;
    // The diamond under the pointer (another may overlap it): one of the drawn exemplars, at its span.
    const span = opened.searchParams.get('span');
    assert.ok(
      drawn.some((e) => e.labels.trace_id === traceId && (e.labels.span_id ?? null) === span),
      `${traceId}?span=${span} is a drawn exemplar`,
    );
    await page.waitForSelector('.wf-row');
    // Exemplars come only from traces the sampling keeps (most loadgen traces are dropped).
    let decision = 'pending';
    for (let i = 0; decision === 'pending' && i < 200; i++) {
      if (i) await new Promise((r) => setTimeout(r, 200));
      decision = (await server.get(`/api/v1/traces/${traceId}/decision`)).body.decision;
    }
    assert.equal(decision, 'keep');
  });
});
