// Screenshots of the investigation views at 1440x900 and 1024x768 against a real tracehouse
// seeded with loadgen traffic (into screenshots/, which git ignores): look at them after UI
// changes; the ones the docs show are copied to docs/images by hand.
//   npm run build:ui && node --import tsx scripts/ui-screenshots.ts
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launch, SCREENSHOTS, seed, startTestServer, waitForTrace } from '../packages/ui/test/e2e/harness';

const server = await startTestServer();
const browser = await launch();
try {
  const traces = await seed(server, { seed: 'screens', traces: 80 });
  const [big] = await seed(server, { seed: 'screens-big', traces: 1, big: 2000, logsPerSpan: 0.05, spreadMs: 1 });
  await waitForTrace(server, big.traceId, big.spans.length);
  for (const t of traces) await waitForTrace(server, t.traceId, t.spans.length);
  const rich = traces.filter((t) => t.spans.length >= 12 && t.logs.length >= 4);
  const [a, b] = [
    rich[0] ?? traces[0],
    rich.find((t) => t !== rich[0] && t.rootSpanName === rich[0]?.rootSpanName) ?? traces[1],
  ];
  const user = a.spans.map((s) => s.SpanAttributes['enduser.id']).find(Boolean) ?? '';
  const logSpan = a.logs.find((l) => l.SpanId)?.SpanId ?? '';
  const views: [string, string, ((p: Page) => Promise<unknown>)?][] = [
    ['trace', `/trace/${a.traceId}?span=${logSpan}`],
    ['trace-zoom', `/trace/${big.traceId}?find=SELECT`, (p) => p.keyboard.press('+').then(() => p.keyboard.press('n'))],
    ['trace-table', `/trace/${big.traceId}?tab=table`],
    ['trace-stats', `/trace/${big.traceId}?tab=stats`],
    ['trace-flame', `/trace/${big.traceId}?tab=flame`],
    ['trace-help', `/trace/${a.traceId}`, (p) => p.keyboard.press('?')],
    ['compare', `/compare?a=${a.traceId}&b=${b.traceId}`],
    ['logs', '/logs?since=1h', (p) => p.locator('[data-testid="log-open"]').nth(3).click()],
    ['user-timeline', `/users?id=${encodeURIComponent(user)}&since=6h`],
    ['trace-file', '/trace-file'],
    ['access', '/access'],
    ['search', '/traces?recent=1'],
  ];
  for (const [w, h] of [
    [1440, 900],
    [1024, 768],
  ]) {
    const page = await browser.newPage({ viewport: { width: w, height: h } });
    for (const [name, path, act] of views) {
      await page.goto(server.urls.api + path);
      await page.waitForLoadState('networkidle');
      if (act) await act(page);
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-${w}.png`) });
    }
    await page.close();
  }
  console.log(`screenshots in ${SCREENSHOTS}`);
} finally {
  await browser.close();
  await server.stop();
}
