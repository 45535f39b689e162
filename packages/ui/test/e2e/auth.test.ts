// With access control on, the UI shell loads but any API answer of 401 sends the browser to
// the server's login page with the current path as `next`. Skipped (naming the key) while the
// server has no access control.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { isConfigKey } from '../../../server/src/config/schema';
import { assertBuilt, launch, startTestServer, type TestServer } from './harness';

const HAS_AUTH = isConfigKey('auth.allowAnonymous');
const ADMIN = 'ui-e2e-admin-token-0123456789abcdef';

/** The API as a script would call it: bearer or cookie, JSON body; the browser is not involved. */
async function api(server: TestServer, method: string, path: string, auth: string, body?: unknown) {
  const headers: Record<string, string> = auth.startsWith('th_session=')
    ? { cookie: auth }
    : { authorization: `Bearer ${auth}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(server.urls.api + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('the UI under access control', {
  skip: HAS_AUTH ? false : 'no auth.allowAnonymous key on this server',
}, () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    assertBuilt();
    server = await startTestServer({
      sets: ['auth.allowAnonymous=false', `auth.adminToken=${ADMIN}`],
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

  test('the user menu shows who is logged in, changes the password and logs out', async () => {
    assert.equal(
      (
        await api(server, 'POST', '/api/v1/admin/users', ADMIN, {
          username: 'uma',
          role: 'ops',
          password: 'uma-password-1',
        })
      ).status,
      200,
    );
    const login = await api(server, 'POST', '/api/v1/auth/login', '', { username: 'uma', password: 'uma-password-1' });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const context = await browser.newContext();
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: server.urls.api }]);
    const page = await context.newPage();
    await page.goto(`${server.urls.api}/traces`);
    const menu = page.getByTestId('user-menu');
    await menu.waitFor({ timeout: 15_000 });
    assert.match((await menu.textContent()) ?? '', /uma\s*· ops/);

    await menu.click();
    await page.getByLabel('Current password').fill('uma-password-1');
    await page.getByLabel('New password').fill('uma-password-2');
    await page.getByLabel('Repeat it').fill('uma-password-2');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('password changed').waitFor({ timeout: 10_000 });
    assert.equal((await api(server, 'GET', '/api/v1/auth/me', cookie)).status, 401, 'the old session ended');
    const relogin = await api(server, 'POST', '/api/v1/auth/login', '', {
      username: 'uma',
      password: 'uma-password-2',
    });
    assert.equal(relogin.status, 200, 'the new password works');

    // The page kept working on the new session the change answered with; logging out ends it.
    const fresh = (await context.cookies()).find((c) => c.name === 'th_session')!.value;
    assert.notEqual(fresh, value);
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/, { timeout: 15_000, waitUntil: 'commit' });
    assert.equal((await api(server, 'GET', '/api/v1/auth/me', `th_session=${fresh}`)).status, 401);
    await context.close();
  });
});
