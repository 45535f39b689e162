// The Alerts page in headless Chromium against a real tracehouse evaluating a rule file and
// an SLO over live traffic: firing alerts with their links to traces, SLO budget and burn
// rates, rule health.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { until } from '../../../server/test/support/alertmanager';
import { startTraffic, type Traffic } from '../../../server/test/support/traffic';
import { assertBuilt, launch, shot, startTestServer, type TestServer } from './harness';

const RULES = `groups:
  - name: red
    interval: 1s
    rules:
      - alert: CheckoutErrors
        expr: sum by (service) (rate(traces_spanmetrics_calls_total{service="checkout",status_code="STATUS_CODE_ERROR"}[10s])) > 0
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.service }} fails {{ $value | humanize }} requests/s"
      # Parses, but fails when evaluated: both status codes' series get the same alert labels.
      - alert: Broken
        expr: sum by (status_code) (rate(traces_spanmetrics_calls_total{service="checkout"}[10s]))
        labels:
          status_code: any
`;

describe('alerts page in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let traffic: Traffic;
  let dir: string;

  before(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'tracehouse-ui-rules-'));
    writeFileSync(join(dir, 'red.yml'), RULES);
    server = await startTestServer({
      sets: [
        `alerting.ruleFiles=${join(dir, 'red.yml')}`,
        'alerting.evaluationInterval=1s',
        'slos=[{"name":"checkout-availability","service":"checkout","objective":99}]',
        'derived.interval=1s',
        'derived.lag=300ms',
        'processor.interval=200ms',
      ],
    });
    traffic = startTraffic(server.urls.otlpHttp, 'checkout');
    traffic.errorRatio = 0.2;
    await until(
      'the SLO to have an SLI',
      async () => ((await server.get('/api/v1/slos')).body.slos[0]?.sli !== null ? true : undefined),
      30_000,
      200,
    );
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  after(async () => {
    await traffic?.stop();
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('firing alert with a link to its traces, SLO budget and burn rates, an unhealthy rule', async () => {
    await page.goto(`${server.urls.api}/alerts`);
    await page.waitForSelector('[data-testid="alerts"] tbody tr');
    const row = (await page.textContent('[data-testid="alerts"] tbody tr'))!;
    assert.match(row, /firing/);
    assert.match(row, /CheckoutErrors/);
    // humanize prints Prometheus' SI prefixes: 0.272 is "272m", 1500 is "1.5k".
    assert.match(row, /checkout fails [\d.]+[kmµMG]? requests\/s/);
    assert.match(row, /service=checkout severity=page/);
    const slo = (await page.textContent('[data-testid="slos"] tbody tr'))!;
    assert.match(slo, /checkout-availability/);
    assert.match(slo, /99% \/ 30d/);
    // 20% errors against a 1% budget: the short windows burn about 20x, budget overspent.
    assert.match(slo, /5m\d+(\.\d)?×/);
    const health = (await page.textContent('[data-testid="rule-health"]'))!;
    assert.match(health, /Broken alerting\s*errvector contains metrics with the same labelset/);
    assert.match(health, /CheckoutErrors alerting\s*ok/);
    await shot(page, 'alerts');
    // The traces link opens the search for the alert's error traces.
    await page.click('[data-testid="alert-traces"]');
    await page.waitForURL(/\/traces\?q=/);
    assert.equal(new URL(page.url()).searchParams.get('q'), '{ resource.service.name = "checkout" && status = error }');
  });
});
