// Accessibility of the main views in real Chromium: axe-core (the audit engine of Lighthouse and
// the browsers' accessibility tools) runs in each view, in both themes, and any serious or
// critical violation fails; the keyboard reaches the nav, search, a trace's spans and the logs,
// and the focused control is visibly marked.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type { GeneratedTrace } from '@tracehouse/loadgen';
import type { Browser, Page } from 'playwright-core';
import { assertBuilt, launch, seed, startTestServer, type TestServer, waitForTrace } from './harness';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's serious and critical findings on the page as it is now. */
async function audit(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate(() =>
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global
    (window as any).axe.run(document, { resultTypes: ['violations'] }),
  )) as { violations: Violation[] };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

function describeViolations(vs: Violation[]): string {
  return vs
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes
          .slice(0, 5)
          .map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary ?? '').split('\n').slice(1, 3).join(' ')}`)
          .join('\n')}`,
    )
    .join('\n');
}

describe('accessibility of the main views', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let traces: GeneratedTrace[];

  before(async () => {
    assertBuilt();
    server = await startTestServer({ sets: ['derived.interval=1s', 'derived.lag=300ms'] });
    traces = await seed(server, { seed: 'ui-e2e-a11y', traces: 60, spreadMs: 20_000 });
    const t = traces.find((x) => x.spans.length >= 5 && x.logs.length)!;
    await waitForTrace(server, t.traceId, t.spans.length);
    browser = await launch();
    // axe is injected as a script: the UI's Content-Security-Policy would refuse it.
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const views = (): [string, string, string][] => {
    const t = traces.find((x) => x.spans.length >= 5 && x.logs.length)!;
    return [
      ['traces', '/traces?since=15m&recent=1', '[data-testid="results"] a.trace-link'],
      ['trace', `/trace/${t.traceId}?span=${t.spans[1].SpanId}`, '.wf-row'],
      ['logs', '/logs?since=15m', '[data-testid="log-row"]'],
      ['services', '/services?since=15m', '[data-testid="red-panel"] canvas'],
      ['metrics', '/explore?since=15m&metric=traces_spanmetrics_calls_total', '[data-testid="explorer-chart"] canvas'],
      ['dashboards', '/dashboards', 'main h2, main table, main a'],
      ['alerts', '/alerts', 'main'],
      ['admin', '/access', 'main'],
    ];
  };

  for (const theme of ['light', 'dark']) {
    test(`no serious or critical axe violations in the main views (${theme} theme)`, async () => {
      const found: string[] = [];
      for (const [name, path, ready] of views()) {
        await page.goto(`${server.urls.api}${path}${path.includes('?') ? '&' : '?'}theme=${theme}`);
        await page.waitForSelector(ready, { timeout: 30_000 });
        await page.waitForTimeout(300);
        const vs = await audit(page);
        if (vs.length) found.push(`[${name}] ${describeViolations(vs)}`);
      }
      assert.equal(found.length, 0, found.join('\n'));
    });
  }

  /** Presses Tab until `done` holds for the focused element (at most `max` times); returns what it passed. */
  async function tabUntil(max: number, done: (f: Focused) => boolean): Promise<Focused[]> {
    const seen: Focused[] = [];
    for (let n = 0; n < max; n++) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      seen.push(f);
      if (done(f)) return seen;
    }
    throw new Error(`not reached in ${max} tabs: ${seen.map((f) => f.label).join(' | ')}`);
  }

  test('the keyboard reaches the nav, search, a trace and its spans, and the logs; focus is visible', async () => {
    const t = traces.find((x) => x.spans.length >= 5 && x.logs.length)!;
    await page.goto(`${server.urls.api}/traces?since=15m&recent=1&theme=dark`);
    await page.waitForSelector('[data-testid="results"] a.trace-link');
    // The nav first, in order, then the trace-id box and the theme toggle.
    const top = await tabUntil(30, (f) => f.testid === 'theme-toggle');
    const navHrefs = top.filter((f) => f.inNav).map((f) => f.href);
    for (const href of ['/traces', '/logs', '/services', '/explore', '/dashboards', '/users', '/alerts'])
      assert.ok(navHrefs.includes(href), `${href} reachable: ${navHrefs.join(' ')}`);
    assert.ok(top.some((f) => f.label === 'go to trace id'));
    // Every stop is visibly marked, in the dark theme too.
    for (const f of top) assert.ok(f.outline >= 2, `focus visible on ${f.label} (outline ${f.outline}px)`);
    // On to the TraceQL box and a result, which Enter opens.
    await tabUntil(40, (f) => f.testid === 'traceql');
    const link = await tabUntil(60, (f) => f.className === 'trace-link');
    assert.ok(link.at(-1)!.outline >= 2);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.wf-row');
    // Spans: j selects the next, the details follow; Escape clears.
    await page.keyboard.press('j');
    await page.waitForFunction(() => new URL(location.href).searchParams.has('span'));
    await page.waitForSelector('.wf-row.selected');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !new URL(location.href).searchParams.has('span'));

    // Logs: a line opens from the keyboard.
    await page.goto(`${server.urls.api}/logs?since=15m&traceId=${t.traceId}`);
    await page.waitForSelector('[data-testid="log-row"]');
    const body = await tabUntil(60, (f) => f.className.includes('linkish-plain'));
    assert.ok(body.at(-1)!.outline >= 2);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="log-row"].open');
  });
});

interface Focused {
  label: string;
  testid: string | null;
  href: string | null;
  className: string;
  inNav: boolean;
  /** The focus outline's width in px (0 when none is drawn). */
  outline: number;
}

async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const cs = getComputedStyle(el);
    return {
      label: el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30) ?? el.tagName,
      testid: el.getAttribute('data-testid'),
      href: el.getAttribute('href'),
      className: typeof el.className === 'string' ? el.className : '',
      inNav: Boolean(el.closest('header nav')),
      outline: cs.outlineStyle === 'none' ? 0 : Number.parseFloat(cs.outlineWidth) || 0,
    };
  });
}
