// The investigation views in headless Chromium against a real tracehouse: zoom, find in a big
// trace, download and re-open, compare, a log line opened, a user timeline past one page, the
// admin page and token login.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { GeneratedTrace } from '@tracehouse/loadgen';
import type { Browser, Page } from 'playwright-core';
import { assertBuilt, launch, seed, shot, startTestServer, type TestServer, waitForTrace } from './harness';

const rowIds = (page: Page) =>
  page.$$eval('[data-testid="waterfall"] .wf-row', (rows) =>
    rows
      .map((r) => ({ y: (r as HTMLElement).style.transform, id: r.getAttribute('data-span-id') }))
      .sort((a, b) => Number(/\d+/.exec(a.y)?.[0]) - Number(/\d+/.exec(b.y)?.[0]))
      .map((r) => r.id),
  );

describe('investigation views in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let big: GeneratedTrace;
  let small: GeneratedTrace[];

  before(async () => {
    assertBuilt();
    server = await startTestServer();
    [big] = await seed(server, { seed: 'inv-big', traces: 1, big: 2000, logsPerSpan: 0.02, spreadMs: 1 });
    small = await seed(server, { seed: 'inv-small', traces: 6 });
    await waitForTrace(server, big.traceId, big.spans.length);
    for (const t of small) await waitForTrace(server, t.traceId, t.spans.length);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('zoom: keys and a drag on the ruler change the visible time range, 0 restores it', async () => {
    await page.goto(`${server.urls.api}/trace/${big.traceId}`);
    await page.waitForSelector('[data-testid="waterfall"] .wf-row');
    const range = () => page.textContent('[data-testid="visible-range"]');
    const whole = await range();
    await page.keyboard.press('+');
    await page.waitForFunction(
      (w) => document.querySelector('[data-testid="visible-range"]')?.textContent !== w,
      whole,
    );
    assert.match(page.url(), /zoom=\d+_\d+/);
    await page.keyboard.press('0');
    await page.waitForFunction(
      (w) => document.querySelector('[data-testid="visible-range"]')?.textContent === w,
      whole,
    );
    const box = (await page.locator('.ruler-ticks').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + 5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, box.y + 5, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction(
      (w) => document.querySelector('[data-testid="visible-range"]')?.textContent !== w,
      whole,
    );
    const [from, to] = /zoom=(\d+)_(\d+)/.exec(page.url())!.slice(1).map(Number);
    let min = BigInt(big.spans[0].Timestamp);
    let max = min;
    for (const sp of big.spans) {
      const st = BigInt(sp.Timestamp);
      const en = st + BigInt(sp.Duration);
      if (st < min) min = st;
      if (en > max) max = en;
    }
    const duration = Number(max - min);
    // A fifth of the trace, starting at a fifth (within a few pixels of the drag).
    assert.ok(
      Math.abs(from / duration - 0.2) < 0.02 && Math.abs(to / duration - 0.4) < 0.02,
      `${from}-${to} of ${duration}`,
    );
    await shot(page, 'trace-zoomed');
  });

  test('find scrolls each match into view in a 2,000-span trace', async () => {
    await page.goto(`${server.urls.api}/trace/${big.traceId}`);
    await page.waitForSelector('[data-testid="waterfall"] .wf-row');
    // A span far down the tree: the last one (by tree order) of a distinct name.
    const target = big.spans[big.spans.length - 1];
    await page.fill('input[aria-label="find in trace"]', target.SpanId);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      /of 1/.test(document.querySelector('[data-testid="match-count"]')?.textContent ?? ''),
    );
    await page.keyboard.press('Enter');
    // The selection renders first and the scroll follows in a later frame: wait up to 2 s for it.
    // Rows sit at fractional offsets (a 233.16 px header): a row aligned to the bottom edge may
    // overhang it by a fraction of a pixel, seen as 889.16 against 889.
    const inView = async (id: string) =>
      page
        .waitForFunction(
          (sid) => {
            const el = document.querySelector(`.wf-row[data-span-id="${sid}"]`);
            const sc = document.querySelector('[data-testid="waterfall"]')!;
            if (!el) return false;
            const r = el.getBoundingClientRect();
            const s = sc.getBoundingClientRect();
            return r.top >= s.top - 1 && r.bottom <= s.bottom + 1;
          },
          id,
          { timeout: 2000 },
        )
        .then(
          () => true,
          () => false,
        );
    await page.waitForFunction(
      (sid) => document.querySelector(`.wf-row.selected[data-span-id="${sid}"]`) !== null,
      target.SpanId,
    );
    assert.ok(await inView(target.SpanId), 'the match is scrolled into view');
    // Back to the top, then n on a name shared by many spans visits matches below the fold.
    await page.evaluate(() => {
      document.querySelector('[data-testid="waterfall"]')!.scrollTop = 0;
    });
    await page.fill('input[aria-label="find in trace"]', target.SpanName);
    await page.keyboard.press('Enter');
    await page.click('[data-testid="ruler"]', { position: { x: 5, y: 5 } }); // leave the input
    for (let k = 0; k < 3; k++) {
      await page.keyboard.press('N');
      await page.waitForTimeout(50);
      const sel = await page.getAttribute('.wf-row.selected', 'data-span-id');
      assert.ok(sel && (await inView(sel)), `match ${k} scrolled into view`);
    }
  });

  test('a downloaded trace re-opens identically from the file', async () => {
    const t = small.find((x) => x.spans.length >= 5) ?? small[0];
    await page.goto(`${server.urls.api}/trace/${t.traceId}`);
    await page.waitForSelector('[data-testid="waterfall"] .wf-row');
    const before = await rowIds(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-trace"]')]);
    const path = await download.path();
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    assert.ok(Array.isArray(doc.resourceSpans));
    await page.goto(`${server.urls.api}/trace-file`);
    await page.setInputFiles('[data-testid="trace-file-input"]', path);
    await page.waitForSelector('[data-testid="waterfall"] .wf-row');
    assert.equal(await page.textContent('[data-testid="span-count"]'), String(t.spans.length));
    // Same tree order (the file view may be taller, so it can render more rows).
    const after = await rowIds(page);
    const n = Math.min(before.length, after.length);
    assert.ok(n >= Math.min(t.spans.length, 20));
    assert.deepEqual(after.slice(0, n), before.slice(0, n));
  });

  test('two traces compare: the union of their call paths with counts from each', async () => {
    const [a, b] = small;
    await page.goto(`${server.urls.api}/compare?a=${a.traceId}&b=${b.traceId}`);
    await page.waitForSelector('[data-testid="compare-table"] tbody tr');
    const summary = (await page.textContent('[data-testid="compare-summary"]'))!;
    assert.ok(summary.includes(`${a.spans.length} spans`) && summary.includes(`${b.spans.length} spans`), summary);
    const sums = await page.$$eval('[data-testid="compare-table"] tbody tr', (rows) =>
      rows.reduce(
        (s, r) => {
          const c = [...r.querySelectorAll('td')].map((td) => Number(td.textContent) || 0);
          return [s[0] + c[1], s[1] + c[2]];
        },
        [0, 0],
      ),
    );
    assert.deepEqual(sums, [a.spans.length, b.spans.length]);
    await shot(page, 'compare');
  });

  test('a user timeline longer than one page is complete after "load older"', async () => {
    const now = BigInt(Date.now() - 6 * 60_000) * 1_000_000n;
    const logRecords = Array.from({ length: 450 }, (_, i) => ({
      timeUnixNano: String(now + BigInt(i) * 600_000_000n), // 450 lines over 4.5 minutes
      severityNumber: 9,
      body: { stringValue: `long session step ${i}` },
      attributes: [{ key: 'enduser.id', value: { stringValue: 'u-long' } }],
    }));
    const res = await fetch(`${server.urls.otlpHttp}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'web' } }] },
            scopeLogs: [{ logRecords }],
          },
        ],
      }),
    });
    assert.equal(res.status, 200);
    for (let k = 0; ; k++) {
      const r = await server.get('/api/v1/logs?attr=enduser.id%3Du-long&limit=1000&since=1h');
      if (r.body.logs?.length === 450) break;
      assert.ok(k < 300, 'logs stored');
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.goto(`${server.urls.api}/users?id=u-long`);
    await page.waitForSelector('[data-testid="timeline"] [data-kind="log"]');
    assert.ok((await page.locator('[data-kind="log"]').count()) < 450, 'the first page is not everything');
    while (await page.locator('[data-testid="load-more"]').count()) {
      await page.click('[data-testid="load-more"]');
      await page.waitForFunction(() => !document.querySelector('[data-testid="load-more"]')?.hasAttribute('disabled'));
    }
    await page.waitForSelector('[data-testid="list-complete"]');
    const bodies = await page.$$eval('[data-kind="log"]', (els) =>
      els.map((e) => /step (\d+)/.exec(e.textContent ?? '')?.[1]),
    );
    assert.deepEqual(
      bodies.map(Number),
      Array.from({ length: 450 }, (_, i) => i),
      'every line once, oldest first',
    );
  });

  test('"Run query" with the same query runs it again; at / the Traces nav item is active', async () => {
    await page.goto(`${server.urls.api}/`);
    await page.waitForSelector('[data-testid="results"]');
    assert.equal(await page.textContent('header nav a.active'), 'Traces');
    let searches = 0;
    const count = (r: { url(): string }) => {
      if (r.url().includes('/api/v1/search?')) searches++;
    };
    page.on('request', count);
    await page.click('button:text-is("Run query")');
    await page.waitForFunction(() => document.querySelector('[data-testid="results"]') !== null);
    await page.waitForTimeout(200);
    page.off('request', count);
    assert.equal(searches, 1);
  });

  test('a request that gets no answer says "Server unreachable"', async () => {
    await page.route('**/api/v1/logs?*', (r) => r.abort('connectionrefused'));
    await page.goto(`${server.urls.api}/logs`);
    await page.waitForSelector('[role="alert"]');
    assert.match((await page.textContent('[role="alert"]'))!, /Server unreachable/);
    await page.unroute('**/api/v1/logs?*');
  });

  test('a log line opens with its attributes and resource; filter out drops its value', async () => {
    const withAttrs = small.flatMap((t) => t.logs).find((l) => Object.keys(l.LogAttributes).length)!;
    assert.ok(withAttrs, 'a log with attributes');
    await page.goto(`${server.urls.api}/logs?since=24h&traceId=${withAttrs.TraceId}`);
    await page.waitForSelector('[data-testid="log-open"]');
    const rows = page.locator('[data-testid="log-row"]');
    const n = await rows.count();
    let opened = false;
    for (let i = 0; i < n && !opened; i++) {
      await rows.nth(i).locator('[data-testid="log-open"]').click();
      await page.waitForSelector('[data-testid="log-details"]');
      const body = await page.textContent('[data-testid="log-body"]');
      if (body === withAttrs.Body || withAttrs.BodyType !== '') opened = true;
    }
    const attrs = (await page.textContent('[data-testid="log-attributes"]'))!;
    const [k, v] = Object.entries(withAttrs.LogAttributes)[0];
    assert.ok(attrs.includes(k) && attrs.includes(String(v)), `${attrs} has ${k}=${v}`);
    assert.ok((await page.textContent('[data-testid="log-resource"]'))!.includes('service.name'));
    await shot(page, 'log-line');
    const before = await rows.count();
    await page
      .locator(`[data-testid="log-attributes"] tr:has(th:text-is("${k}")) a[aria-label="filter out this value"]`)
      .click();
    await page.waitForFunction(
      (k) => new URLSearchParams(location.search).getAll('attr').some((a) => a.startsWith(`${k}!=`)),
      k,
    );
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="log-row"]').length < n, before);
  });
});
