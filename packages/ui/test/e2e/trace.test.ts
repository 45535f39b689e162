// Trace view and logs view in headless Chromium against a real tracehouse with loadgen data.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GeneratedTrace } from '@tracehouse/loadgen';
import { encodeLogsData } from '@tracehouse/otlp';
import type { Browser, Page } from 'playwright-core';
import { assertBuilt, launch, post, seed, shot, startTestServer, type TestServer, waitForTrace } from './harness';

describe('trace and logs views in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let traces: GeneratedTrace[];
  let withLogs: GeneratedTrace;

  before(async () => {
    assertBuilt();
    server = await startTestServer();
    traces = await seed(server, { seed: 'ui-e2e', traces: 60 });
    // A trace with several spans and a log line tied to a non-root span.
    withLogs = traces.find(
      (t) => t.spans.length >= 5 && t.logs.some((l) => l.SpanId && l.SpanId !== t.spans[0].SpanId),
    )!;
    assert.ok(withLogs, 'the workload has a trace with logs on a child span');
    for (const t of traces) await waitForTrace(server, t.traceId, t.spans.length);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('open a trace, select a span, its logs, open them in Logs, and back', async () => {
    const log = withLogs.logs.find((l) => l.SpanId && l.SpanId !== withLogs.spans[0].SpanId)!;
    const span = withLogs.spans.find((s) => s.SpanId === log.SpanId)!;
    await page.goto(`${server.urls.api}/trace/${withLogs.traceId}`);
    await page.waitForSelector('[data-testid="waterfall"] .wf-row');
    assert.equal(await page.textContent('[data-testid="span-count"]'), String(withLogs.spans.length));
    // The span's row carries a log marker.
    await page.waitForSelector(`.wf-row[data-span-id="${span.SpanId}"] .wf-log`);
    await page.click(`.wf-row[data-span-id="${span.SpanId}"]`);
    await page.waitForSelector('[data-testid="span-details"]');
    assert.equal(await page.textContent('[data-testid="selected-span-id"]'), span.SpanId);
    assert.match(page.url(), new RegExp(`span=${span.SpanId}`));
    const expected = withLogs.logs.filter((l) => l.SpanId === span.SpanId).length;
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="span-logs"] .log-line').length === n,
      expected,
    );
    const body = typeof log.Body === 'string' ? log.Body : '';
    if (body) assert.ok((await page.textContent('[data-testid="span-logs"]'))!.includes(body.slice(0, 20)));
    // The sampling decision and its reason, as the API has it.
    const d = await server.get(`/api/v1/traces/${withLogs.traceId}/decision`);
    const shown = (await page.textContent('[data-testid="decision"]'))!;
    // (The page asked first: a decision the API has now may still have been pending then.)
    if (d.status === 200 && !/pending/.test(shown)) {
      assert.match(shown, { keep: /kept/, drop: /dropped/, pending: /pending/ }[d.body.decision as string]!);
      if (d.body.reason) assert.ok(shown.includes(d.body.reason), `${shown} shows ${d.body.reason}`);
    } else if (d.status !== 200) assert.match(shown, /no sampling decision/);
    await shot(page, 'trace-view');

    await page.click('[data-testid="open-span-logs"]');
    await page.waitForSelector('[data-testid="log-row"]');
    assert.match(page.url(), /\/logs\?traceId=/);
    assert.equal(await page.locator('[data-testid="log-row"]').count(), expected);

    await page.goBack();
    await page.waitForSelector('[data-testid="span-details"]');
    assert.equal(await page.textContent('[data-testid="selected-span-id"]'), span.SpanId);
  });

  test('a log line opens its trace at its span', async () => {
    const log = withLogs.logs.find((l) => l.SpanId)!;
    await page.goto(`${server.urls.api}/logs?since=24h&service=${encodeURIComponent(log.ServiceName)}`);
    await page.waitForSelector('[data-testid="log-row"]');
    await shot(page, 'logs-view');
    const link = page
      .locator(`a[data-testid="log-trace-link"][href="/trace/${log.TraceId}?span=${log.SpanId}"]`)
      .first();
    await link.click();
    await page.waitForSelector('[data-testid="span-details"]');
    assert.equal(new URL(page.url()).pathname, `/trace/${log.TraceId}`);
    assert.equal(await page.textContent('[data-testid="selected-span-id"]'), log.SpanId);
    // The selected row is mounted (scrolled into view).
    assert.equal(await page.locator(`.wf-row.selected[data-span-id="${log.SpanId}"]`).count(), 1);
  });

  test('logs: text and severity filters, histogram, context lines, live tail with pause', async () => {
    const warn = traces.flatMap((t) => t.logs).find((l) => l.SeverityNumber >= 13 && typeof l.Body === 'string')!;
    assert.ok(warn, 'the workload has warnings');
    const word =
      String(warn.Body)
        .split(/\s+/)
        .find((w) => /^[a-z]{4,}$/i.test(w)) ?? String(warn.Body).slice(0, 6);
    await page.goto(`${server.urls.api}/logs?since=24h`);
    await page.waitForSelector('[data-testid="severity-histogram"] rect');
    await page.fill('[data-testid="logs-q"]', word);
    await page.selectOption('select[aria-label="minimum severity"]', 'warn');
    await page.click('text=Search');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q') !== null);
    await page.waitForSelector('[data-testid="log-row"]');
    const rows = await page.locator('[data-testid="log-row"] .body').allTextContents();
    assert.ok(rows.length > 0);
    for (const r of rows) assert.ok(r.toLowerCase().includes(word.toLowerCase()), `${r} contains ${word}`);
    const sevs = await page.locator('[data-testid="log-row"] .sevtag').allTextContents();
    for (const sv of sevs) assert.match(sv, /warn|error|fatal/i);
    // The URL holds the filters: a reload shows the same lines.
    await page.reload();
    await page.waitForSelector('[data-testid="log-row"]');
    assert.equal(await page.locator('[data-testid="log-row"]').count(), rows.length);
    // Context: the lines around one, from the same service, the line itself marked.
    await page.locator('[data-testid="log-row"] button:has-text("context")').first().click();
    await page.waitForSelector('[data-testid="log-context"] .log-row.anchor');
    // Live tail: a line sent now appears without a reload; paused, the next one does not.
    await page.click('[data-testid="live"]');
    await page.fill('[data-testid="logs-q"]', '');
    await page.click('text=Search');
    const send = async (body: string) => {
      const now = String(BigInt(Date.now()) * 1_000_000n);
      const log = { ...warn, Body: body, Timestamp: now, ObservedTimestamp: now, TraceId: '', SpanId: '' };
      await post(server, '/v1/logs', encodeLogsData([log]));
    };
    await send('live-tail-line-one');
    await page.waitForSelector('text=live-tail-line-one', { timeout: 15_000 });
    await page.click('[data-testid="pause"]');
    await send('live-tail-line-two');
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal(await page.locator('text=live-tail-line-two').count(), 0);
    await page.click('[data-testid="pause"]');
    await page.waitForSelector('text=live-tail-line-two', { timeout: 15_000 });
  });

  test('a deep link restores find, match position, critical path and collapsed state', async () => {
    const t = traces.reduce((a, b) => (b.spans.length > a.spans.length ? b : a));
    const service = t.spans[t.spans.length - 1].ServiceName;
    const matchesWanted = t.spans.filter((s) => s.ServiceName === service).length;
    const target = t.spans.filter((s) => s.ServiceName === service)[0];
    const root = t.spans.find((s) => !s.ParentSpanId)!;
    const url = `${server.urls.api}/trace/${t.traceId}?find=service%3D${service}&span=${target.SpanId}&cp=1&collapsed=${root.SpanId}`;
    const fresh = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await fresh.goto(url);
    await fresh.waitForSelector('[data-testid="span-details"]');
    assert.equal(await fresh.textContent('[data-testid="selected-span-id"]'), target.SpanId);
    assert.equal(await fresh.inputValue('input[aria-label="find in trace"]'), `service=${service}`);
    assert.match((await fresh.textContent('[data-testid="match-count"]'))!, new RegExp(`of ${matchesWanted}$`));
    assert.ok(await fresh.isChecked('input[aria-label="critical path"]'));
    assert.ok((await fresh.locator('.wf-row.critical').count()) >= 1);
    // The root was collapsed by the link, but the selected span inside it was revealed.
    assert.equal(await fresh.locator(`.wf-row.selected[data-span-id="${target.SpanId}"]`).count(), 1);
    // n moves to the next match, also through collapsed subtrees.
    await fresh
      .locator('[data-testid="waterfall"]')
      .click({ position: { x: 5, y: 5 } })
      .catch(() => {});
    await fresh.goto(url);
    await fresh.waitForSelector('[data-testid="span-details"]');
    await fresh.click('button[title="next (n)"]');
    if (matchesWanted > 1) {
      await fresh.waitForFunction(
        (id) => document.querySelector('[data-testid="selected-span-id"]')?.textContent !== id,
        target.SpanId,
      );
      assert.match((await fresh.textContent('[data-testid="match-count"]'))!, new RegExp(`^2 of ${matchesWanted}$`));
    }
    await shot(fresh, 'trace-find-critical-path');
    await fresh.close();
  });

  test('both themes render, and the choice survives a reload', async () => {
    await page.goto(`${server.urls.api}/trace/${withLogs.traceId}?theme=light`);
    await page.waitForSelector('.wf-row');
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await bg();
    await page.click('[data-testid="theme-toggle"]');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    const dark = await bg();
    assert.notEqual(light, dark);
    await shot(page, 'trace-view-dark');
    await page.reload();
    await page.waitForSelector('.wf-row');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await page.click('[data-testid="theme-toggle"]');
    assert.equal(await bg(), light);
  });

  test('an unknown trace explains itself; an empty logs query explains how to send data', async () => {
    await page.goto(`${server.urls.api}/trace/${'ab'.repeat(16)}`);
    await page.waitForSelector('.problem');
    assert.match((await page.textContent('.problem'))!, /not found/);
    await page.goto(`${server.urls.api}/logs?since=15m&start=1000&end=2000`);
    await page.waitForSelector('[data-testid="empty-state"]');
    // This server's own OTLP/HTTP port (random in tests), not the default 4318.
    const port = new URL(server.urls.otlpHttp).port;
    await page.waitForFunction(
      (p) =>
        document.querySelector('[data-testid="empty-state"]')?.textContent?.includes(`ENDPOINT=http://127.0.0.1:${p}`),
      port,
    );
  });

  test('the SPA fallback never answers server paths', async () => {
    for (const p of ['/api/v1/nope', '/tempo/api/x', '/admin/ops', '/login', '/livez', '/readyz', '/metrics']) {
      // Server pages (/login, /admin/ops) may be HTML, but never the SPA's shell.
      const r = await fetch(server.urls.api + p, { redirect: 'manual' });
      assert.ok(!(await r.text()).includes('<div id="root">'), `${p} served the SPA`);
    }
    const deep = await fetch(`${server.urls.api}/trace/${withLogs.traceId}?span=x`);
    assert.equal(deep.status, 200);
    assert.match(deep.headers.get('content-type')!, /text\/html/);
    assert.ok((await deep.text()).includes('<div id="root">'));
  });
});
