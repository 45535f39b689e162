// With access control on, the UI shell loads but any API answer of 401 sends the browser to
// the server's login page with the current path as `next`. Skipped (naming the key) while the
// server has no access control.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { isConfigKey } from '../../../server/src/config/schema';
import { assertBuilt, launch, startTestServer, type TestServer } from './harness';

const HAS_AUTH = isConfigKey('auth.allowAnonymous');

describe('the UI under access control', {
  skip: HAS_AUTH ? false : 'no auth.allowAnonymous key on this server',
}, () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    assertBuilt();
    server = await startTestServer({
      sets: ['auth.allowAnonymous=false', 'auth.adminToken=ui-e2e-admin-token-0123456789abcdef'],
    });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a 401 from the API goes to /login?next=<the current path>', async () => {
    const page = await browser.newPage();
    const path = `/traces?q=${encodeURIComponent('{ status = error }')}&since=6h`;
    await page.goto(server.urls.api + path);
    await page.waitForURL(/\/login\?/, { timeout: 15_000, waitUntil: 'commit' });
    const url = new URL(page.url());
    assert.equal(url.pathname, '/login');
    assert.equal(url.searchParams.get('next'), path);
    await page.close();
  });
});
