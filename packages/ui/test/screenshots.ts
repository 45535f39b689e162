// Screenshots of the metrics views for docs/images (not a test): a real tracehouse with loadgen
// traffic and OTLP metrics, headless Chromium at 1440x900 and 1024x768.
//   node --import tsx packages/ui/test/screenshots.ts [outDir]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, seed, startTestServer } from './e2e/harness';
import { sendShopMetrics } from './e2e/shopMetrics';

const out = process.argv[2] ?? join(import.meta.dirname, '../../../docs/images');
mkdirSync(out, { recursive: true });
const server = await startTestServer({ sets: ['derived.interval=2s', 'derived.lag=300ms'] });
const browser = await launch();
try {
  // Two rounds of traffic 40 s apart, so charts have a shape and the second round an error spike.
  for (let round = 0; round < 2; round++) {
    await seed(server, { seed: `screens-${round}`, traces: 400, spreadMs: 15_000 });
    await sendShopMetrics(server, 'orders', 20, round + 1);
  }
  await new Promise((r) => setTimeout(r, 4000));
  const base = server.urls.api;
  await fetch(`${base}/api/v1/dashboards/shop`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({
      title: 'Shop',
      definition: {
        variables: [
          { name: 'service', label: 'service', metric: 'traces_spanmetrics_calls_total', default: 'gateway' },
        ],
        panels: [
          {
            title: 'orders / s by payment method',
            expr: 'sum by (payment_method) (rate(shop_orders_total[5m]))',
            unit: 'perSecond',
            legend: '{{payment_method}}',
          },
          {
            title: 'checkout p95',
            expr: 'histogram_quantile(0.95, sum by (le) (rate(shop_checkout_duration_seconds_bucket[5m])))',
            unit: 'seconds',
          },
          {
            title: '$service calls / s by span',
            expr: 'sum by (span_name) (rate(traces_spanmetrics_calls_total{service="$service"}[5m]))',
            unit: 'perSecond',
            legend: '{{span_name}}',
          },
          {
            title: '$service p95 latency',
            expr: 'histogram_quantile(0.95, sum by (le) (rate(traces_spanmetrics_latency_bucket{service="$service"}[5m])))',
            unit: 'seconds',
          },
        ],
      },
    }),
  });
  const views: [string, string][] = [
    ['services', '/services?since=5m'],
    ['service-operations', '/services?since=5m&service=orders'],
    ['service-dashboard', '/dashboards/service/orders?since=5m'],
    ['explorer', '/explore?since=5m&metric=shop_orders_total&by=payment_method'],
    ['explorer-histogram', '/explore?since=5m&metric=shop_checkout_duration_seconds'],
    ['dashboard', '/dashboards/shop?since=5m'],
    ['dashboards', '/dashboards'],
  ];
  for (const [w, h] of [
    [1440, 900],
    [1024, 768],
  ]) {
    const page = await browser.newPage({ viewport: { width: w, height: h } });
    for (const [name, path] of views) {
      await page.goto(base + path);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(out, `${name}-${w}.png`) });
    }
    // The traces behind the busiest error point, in the drawer.
    await page.goto(`${base}/services?since=5m`);
    await page.waitForSelector('[data-testid="error-chart"] canvas');
    const red = (await server.get(`/api/v1/red?groupBy=service&start=${Math.floor(Date.now() / 1000) - 300}`)).body;
    const best = red.series
      .flatMap((s: { service: string; points: { t: number; errorRatio: number | null }[] }) =>
        s.points.map((p) => ({ service: s.service, t: p.t, r: p.errorRatio ?? 0 })),
      )
      .sort((a: { r: number }, b: { r: number }) => b.r - a.r)[0];
    const chart = page.locator(`[data-testid="red-panel"][data-service="${best.service}"] [data-testid="error-chart"]`);
    // The chart is redrawn when its data arrives: click the drawn one.
    await page.waitForFunction(
      (svc) =>
        Number(
          document
            .querySelector(`[data-testid="red-panel"][data-service="${svc}"] [data-testid="error-chart"]`)
            ?.getAttribute('data-points'),
        ) > 0,
      best.service,
    );
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.locator('.u-over').boundingBox())!;
    const min = Number(await chart.getAttribute('data-x-min'));
    const max = Number(await chart.getAttribute('data-x-max'));
    await page.mouse.click(box.x + ((best.t - min) / (max - min)) * box.width, box.y + box.height / 2);
    await page
      .waitForSelector('[data-testid="traces-drawer"] a.trace-link', { timeout: 30_000 })
      .catch(() => console.warn(`services-drawer-${w}: no trace listed after a click on ${JSON.stringify(best)}`));
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, `services-drawer-${w}.png`) });
    await page.goto(`${base}/services?since=5m`);
    await page.locator('[data-testid="service-map"]').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, `service-map-${w}.png`) });
    await page.goto(`${base}/admin/ops`);
    await page.screenshot({ path: join(out, `ops-${w}.png`) });
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
