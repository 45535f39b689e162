// bench:ui: the trace view in headless Chromium against a real tracehouse. For traces of about
// 1k, 10k and 100k spans (loadgen's big-trace shape) it measures the time from navigation to the
// first painted waterfall row, the part of it spent in the browser after the trace document
// arrived, the number of waterfall rows in the DOM, and (largest trace) frames per second while
// scrolling, find (to the next match scrolled into view) and zoom. For the 10k trace, the time to
// show the span table and the statistics; on the Logs page, the time to open a log line. One
// stable line:
//   bench ui spans_1k=... paint_1k_ms=... client_1k_ms=... rows_1k=... ... scroll_fps_100k=...
//   ... table_10k_ms=... stats_10k_ms=... find_100k_ms=... zoom_100k_ms=... log_open_ms=...
// Sizes: BENCH_UI_SIZES=1000,10000 (default 1000,10000,100000).
import { launch, seed, startTestServer, waitForTrace } from '../packages/ui/test/e2e/harness';

const sizes = (process.env.BENCH_UI_SIZES ?? '1000,10000,100000').split(',').map(Number);
const label = (n: number) => (n >= 1000 ? `${Math.round(n / 1000)}k` : String(n));

/**
 * Milliseconds from a click on `click` until `done` matches and the next frame is painted
 * (a string, so tsx's helpers never reach the page).
 */
const TIME_CLICK = (click: string, done: string) => `new Promise((resolve) => {
  const t0 = performance.now();
  const check = () => {
    if (document.querySelector(${JSON.stringify(done)})) {
      obs.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - t0));
    }
  };
  const obs = new MutationObserver(check);
  obs.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
  document.querySelector(${JSON.stringify(click)}).click();
  check();
})`;

/** Milliseconds from a key press until the visible range text changes and a frame is painted. */
const TIME_KEY = (key: string, watch: string) => `new Promise((resolve) => {
  const el = document.querySelector(${JSON.stringify(watch)});
  const before = el.textContent;
  const t0 = performance.now();
  const obs = new MutationObserver(() => {
    if (document.querySelector(${JSON.stringify(watch)}).textContent !== before) {
      obs.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - t0));
    }
  });
  obs.observe(document.body, { childList: true, subtree: true, characterData: true });
  window.dispatchEvent(new KeyboardEvent('keydown', { key: ${JSON.stringify(key)}, bubbles: true }));
})`;

/** Scrolls the waterfall by 3 rows per frame for 2 s and counts frames. */
const SCROLL_SCRIPT = `new Promise((resolve) => {
  const el = document.querySelector('[data-testid="waterfall"]');
  let frames = 0, worst = 0;
  const t0 = performance.now();
  let last = t0;
  function step(now) {
    frames++;
    worst = Math.max(worst, now - last);
    last = now;
    if (el) el.scrollTop += 72;
    if (now - t0 < 2000) requestAnimationFrame(step);
    else resolve({ fps: (frames * 1000) / (now - t0), rows: document.querySelectorAll('.wf-row').length, worstMs: worst });
  }
  requestAnimationFrame(step);
})`;

// A response holds at most query.maxTraceSpans spans (10,000 by default, a guard against one huge
// trace holding the server); "100k spans usable" is measured with the limit raised to the largest size.
const server = await startTestServer({ sets: [`query.maxTraceSpans=${Math.max(...sizes)}`] });
const browser = await launch();
const fields: string[] = [];
try {
  for (const n of sizes) {
    const [t] = await seed(server, { seed: `bench-ui-${n}`, traces: 1, big: n, logsPerSpan: 0.02, spreadMs: 1 });
    await waitForTrace(server, t.traceId, t.spans.length);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Record when the first waterfall row is added, then the next frame (it has been painted).
    await page.addInitScript(`new MutationObserver((m, obs) => {
      if (document.querySelector('.wf-row')) {
        obs.disconnect();
        requestAnimationFrame(() => { window.__firstRow = performance.now(); });
      }
    }).observe(document, { childList: true, subtree: true });`);
    const url = `${server.urls.api}/trace/${t.traceId}`;
    // Warm the server-side query path once so the figure is about the page, not a cold cache.
    await fetch(url.replace('/trace/', '/api/v1/traces/')).then((r) => r.arrayBuffer());
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __firstRow?: number }).__firstRow !== undefined, null, {
      timeout: 120_000,
    });
    const m = await page.evaluate(() => {
      const first = (window as unknown as { __firstRow: number }).__firstRow;
      const res = performance
        .getEntriesByType('resource')
        .find((e) => /\/api\/v1\/traces\/[0-9a-f]{32}$/.test(e.name)) as PerformanceResourceTiming | undefined;
      return {
        fetchStart: res ? res.startTime : Number.NaN,
        fetch: res ? res.responseEnd - res.startTime : Number.NaN,
        paint: first,
        client: res ? first - res.responseEnd : Number.NaN,
        rows: document.querySelectorAll('.wf-row').length,
        spans: Number(document.querySelector('[data-testid="span-count"]')?.textContent ?? 0),
      };
    });
    const k = label(n);
    fields.push(
      `spans_${k}=${m.spans}`,
      `paint_${k}_ms=${Math.round(m.paint)}`,
      `fetch_${k}_ms=${Math.round(m.fetch)}`,
      `client_${k}_ms=${Math.round(m.client)}`,
      `rows_${k}=${m.rows}`,
    );
    if (n === 10_000) {
      const table = (await page.evaluate(
        TIME_CLICK('[data-testid="tab-table"]', '[data-testid="span-table"] tbody tr[data-span-id]'),
      )) as number;
      const stats = (await page.evaluate(
        TIME_CLICK('[data-testid="tab-stats"]', '[data-testid="operation-stats"] tbody tr'),
      )) as number;
      fields.push(`table_${k}_ms=${Math.round(table)}`, `stats_${k}_ms=${Math.round(stats)}`);
      await page.click('[data-testid="tab-waterfall"]');
      await page.waitForSelector('[data-testid="waterfall"] .wf-row');
    }
    if (n === Math.max(...sizes)) {
      // Find: the last span by id; Enter selects it and scrolls it into view.
      const last = t.spans[t.spans.length - 1]!.SpanId;
      await page.fill('input[aria-label="find in trace"]', last);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() =>
        /of 1/.test(document.querySelector('[data-testid="match-count"]')?.textContent ?? ''),
      );
      const f0 = Date.now();
      await page.keyboard.press('Enter');
      await page.waitForSelector(`.wf-row.selected[data-span-id="${last}"]`);
      await page.evaluate('new Promise((r) => requestAnimationFrame(r))');
      fields.push(`find_${k}_ms=${Date.now() - f0}`);
      await page.click('[data-testid="ruler"]', { position: { x: 5, y: 5 } });
      const zoom = (await page.evaluate(TIME_KEY('+', '[data-testid="visible-range"]'))) as number;
      fields.push(`zoom_${k}_ms=${Math.round(zoom)}`);
    }
    if (n === Math.max(...sizes)) {
      // A string, so tsx's helpers (__name) never reach the page.
      // The same loop on the same page with nothing to scroll: what this machine's headless
      // compositor manages at all, to read the figure against.
      const idle = (await page.evaluate(SCROLL_SCRIPT.replace('\'[data-testid="waterfall"]\'', "'#none'"))) as {
        fps: number;
      };
      fields.push(`idle_fps=${idle.fps.toFixed(0)}`);
      const s = (await page.evaluate(SCROLL_SCRIPT)) as { fps: number; rows: number; worstMs: number };
      fields.push(
        `scroll_fps_${k}=${s.fps.toFixed(0)}`,
        `scroll_worst_frame_${k}_ms=${Math.round(s.worstMs)}`,
        `rows_after_scroll_${k}=${s.rows}`,
      );
    }
    await page.close();
  }
  // Opening a log line on the Logs page (the trace's logs are there).
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${server.urls.api}/logs?since=1h`);
  await page.waitForSelector('[data-testid="log-open"]');
  const open = (await page.evaluate(TIME_CLICK('[data-testid="log-open"]', '[data-testid="log-details"]'))) as number;
  fields.push(`log_open_ms=${Math.round(open)}`);
  await page.close();
} finally {
  await browser.close();
  await server.stop();
}
console.log(`bench ui ${fields.join(' ')}`);
