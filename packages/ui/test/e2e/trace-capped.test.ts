// A trace larger than query.maxTraceSpans in headless Chromium: the view shows what the server
// sent and says how many spans the trace has (issue 15 item 3).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeTracesData } from '@tracehouse/otlp';
import type { Browser } from 'playwright-core';
import { hex, span } from '../../../store/test/fixtures';
import { assertBuilt, launch, post, startTestServer, type TestServer } from './harness';

describe('a capped trace in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  const traceId = hex(16);

  before(async () => {
    assertBuilt();
    server = await startTestServer({ sets: ['query.maxTraceSpans=50'] });
    const root = span(traceId, { ParentSpanId: '' });
    const children = Array.from({ length: 119 }, () => span(traceId, { ParentSpanId: root.SpanId }));
    await post(server, '/v1/traces', encodeTracesData([root, ...children]));
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the waterfall shows the first 50 spans and states that the trace has 120', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.urls.api}/trace/${traceId}`);
    await page.waitForSelector('[data-testid="waterfall"] .wf-row');
    assert.equal(await page.textContent('[data-testid="span-count"]'), '50');
    const banner = (await page.textContent('[data-testid="trace-capped"]'))!;
    assert.match(banner, /120 spans/);
    assert.match(banner, /first 50/);
  });
});
