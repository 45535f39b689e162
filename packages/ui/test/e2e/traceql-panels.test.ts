// A TraceQL-metrics dashboard panel in a browser: spans sent with the official OpenTelemetry SDK
// over OTLP, a panel `{ status = error } | rate() by (resource.service.name)` built in the
// dashboard editor, its series drawn by the same chart as PromQL panels, and the panel still
// there after a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Browser, Page } from 'playwright-core';
import { otlpExporters } from '../../../server/test/support/otlp';
import { assertBuilt, launch, shot, startTestServer, type TestServer } from './harness';

const QUERY = '{ status = error } | rate() by (resource.service.name)';

interface Exemplar {
  labels: { key: string; value: { stringValue: string } }[];
  value: number;
  timestampMs: string;
}

/** Error and ok server spans of three services over the last 10 minutes; `ok-only` never fails. */
async function sendSpans(server: TestServer): Promise<void> {
  const ex = otlpExporters(server, 'http/protobuf');
  const now = Date.now();
  for (const [service, errorEvery] of [
    ['checkout', 2],
    ['payments', 3],
    ['ok-only', 0],
  ] as const) {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      spanProcessors: [new BatchSpanProcessor(ex.traces)],
    });
    const tracer = provider.getTracer('shop');
    for (let i = 0; i < 120; i++) {
      const start = now - 10 * 60_000 + i * 5_000;
      const span = tracer.startSpan('POST /order', { kind: SpanKind.SERVER, startTime: new Date(start) });
      if (errorEvery && i % errorEvery === 0) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(new Date(start + 40));
    }
    await provider.forceFlush();
    await provider.shutdown();
  }
}

describe('TraceQL-metrics dashboard panels in a browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-ui-traceql-'));
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    assertBuilt();
    server = await startTestServer({ dataDir });
    await sendSpans(server);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await server.get(
        `/tempo/api/metrics/query?q=${encodeURIComponent('{} | count_over_time()')}&since=15m`,
      );
      if (r.body?.series?.[0]?.value === 360) break;
      if (Date.now() > deadline) throw new Error(`spans not stored: ${JSON.stringify(r.body)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const chart = '[data-testid="dash-panel"] [data-testid="prom-chart"]';

  test('a TraceQL-metrics panel draws one series per service with errors, and survives a restart', async () => {
    await page.goto(`${server.urls.api}/dashboards`);
    await page.fill('input[aria-label="new dashboard title"]', 'Errors by service');
    await page.click('text=Create');
    await page.waitForURL(/\/dashboards\/errors-by-service$/);
    await page.click('[data-testid="dash-edit"]');
    await page.click('[data-testid="dash-add-panel"]');
    await page.fill('input[aria-label="panel 1 title"]', 'error spans per second');
    await page.selectOption('select[aria-label="panel 1 language"]', 'traceql');
    await page.fill('input[aria-label="panel 1 query"]', QUERY);
    await page.selectOption('select[aria-label="unit"]', 'perSecond');
    await page.click('[data-testid="dash-save"]');
    await page.waitForSelector('[data-testid="dash-saved"]:text("saved")');

    // Two services had errors: two series, named by the service as Grafana names them.
    await page.waitForSelector(`${chart}[data-series="2"] canvas`);
    const legend = (await page.textContent(`${chart} .u-legend`))!;
    assert.ok(legend.includes('checkout') && legend.includes('payments'), legend);
    assert.ok(!legend.includes('ok-only'), legend);
    assert.ok(Number(await page.getAttribute(chart, 'data-points')) > 0);

    await server.stop({ keepData: true });
    server = await startTestServer({ dataDir });
    // The exemplars the panel draws: those of its own query_range answer.
    const drawn: Exemplar[] = [];
    const onResponse = async (r: { url(): string; json(): Promise<unknown> }) => {
      if (!r.url().includes('/tempo/api/metrics/query_range')) return;
      const body = (await r.json().catch(() => null)) as { series?: { exemplars: Exemplar[] }[] } | null;
      for (const series of body?.series ?? []) drawn.push(...series.exemplars);
    };
    page.on('response', onResponse);
    await page.goto(`${server.urls.api}/dashboards/errors-by-service?since=15m`);
    await page.waitForSelector(`${chart}[data-series="2"] canvas`);
    assert.equal(await page.textContent('[data-testid="dash-panel"] h4'), 'error spans per second');
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-marks')) > 0, chart);
    page.off('response', onResponse);
    await shot(page, 'dashboard-traceql');

    // A click on an exemplar's diamond opens its trace at its span: from the spike to the trace.
    const plot = page.locator(chart);
    const box = (await plot.locator('.u-over').boundingBox())!;
    const [xMin, xMax, yMax] = await Promise.all(
      ['data-x-min', 'data-x-max', 'data-y-max'].map(async (a) => Number(await plot.getAttribute(a))),
    );
    const at = (e: Exemplar) => Number(e.timestampMs) / 1000;
    const target = drawn.find((e) => e.value <= yMax * 0.95 && at(e) > xMin && at(e) < xMax);
    assert.ok(target, `an exemplar inside the plot: ${JSON.stringify(drawn.slice(0, 2))} yMax=${yMax}`);
    await page.mouse.click(
      box.x + ((at(target) - xMin) / (xMax - xMin)) * box.width,
      box.y + box.height * (1 - target.value / yMax),
    );
    await page.waitForURL(/\/trace\/[0-9a-f]{32}/);
    const opened = new URL(page.url());
    const ids = (e: Exemplar) => e.labels.map((l) => l.value.stringValue);
    assert.ok(
      drawn.some(
        (e) => ids(e)[0] === opened.pathname.split('/').pop() && ids(e)[1] === opened.searchParams.get('span'),
      ),
      `${opened.pathname}${opened.search} is a drawn exemplar`,
    );
    await page.waitForSelector('.wf-row');
    await page.goto(`${server.urls.api}/dashboards/errors-by-service?since=15m`);

    // A query that does not parse shows the parser's message, with its position, in the panel.
    await page.click('[data-testid="dash-edit"]');
    await page.fill('input[aria-label="panel 1 query"]', '{ status = error } | rate() by resource.service.name');
    await page.waitForSelector('[data-testid="prom-error"]');
    assert.match((await page.textContent('[data-testid="prom-error"]'))!, /at position 31: expected \(/);
  });
});
