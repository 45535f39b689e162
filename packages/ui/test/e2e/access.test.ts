// First login and access management in the browser: a server started with only
// TRACEHOUSE_ADMIN_TOKEN can be logged into with that token; the admin creates a viewer and an
// API token on the Admin page; the viewer logs in with the password, and the token logs in too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { assertBuilt, launch, shot, startTestServer, type TestServer } from './harness';

const ADMIN = 'first-login-admin-token-0123456789';

describe('first login and the Admin page', () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    assertBuilt();
    server = await startTestServer({ auth: true, sets: [`auth.adminToken=${ADMIN}`] });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('with only TRACEHOUSE_ADMIN_TOKEN, the login page takes the token; the admin adds a viewer and a token', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${server.urls.api}/access`);
    await page.waitForURL(/\/login\?next=/);
    // No user exists: the token form is open.
    assert.ok(await page.isVisible('#token'));
    await page.fill('#token', 'wrong-token-wrong-token');
    await page.click('#token-form button[type="submit"]');
    await page.waitForFunction(() => /unknown/.test(document.getElementById('token-error')?.textContent ?? ''));
    await page.fill('#token', ADMIN);
    await page.click('#token-form button[type="submit"]');
    await page.waitForURL(/\/access$/);
    await page.waitForSelector('[data-testid="admin-users"]');
    // An admin is offered the Admin page and the ops page in the nav.
    await page.waitForSelector('header nav a[href="/access"].active');
    assert.ok(await page.isVisible('header nav [data-testid="nav-ops"]'));

    await page.fill('input[aria-label="new user name"]', 'vera');
    await page.selectOption('select[aria-label="new user role"]', 'viewer');
    await page.fill('input[aria-label="new user password"]', 'vera-has-a-long-password-42');
    await page.click('[data-testid="add-user"] button[type="submit"]');
    await page.waitForSelector('[data-testid="admin-users"] tr[data-user="vera"]');

    await page.fill('input[aria-label="new token name"]', 'grafana');
    await page.selectOption('select[aria-label="new token role"]', 'viewer');
    await page.click('[data-testid="add-token"] button[type="submit"]');
    const secret = (await page.textContent('[data-testid="new-token-secret"]'))!.trim();
    assert.ok(secret.length >= 16);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="admin-tokens"]')?.textContent?.includes('grafana'),
    );
    await shot(page, 'access');
    await ctx.close();

    // The viewer logs in with the password and sees traces, not the Admin page.
    const viewer = await browser.newContext();
    const vp = await viewer.newPage();
    await vp.goto(`${server.urls.api}/traces`);
    await vp.waitForURL(/\/login/);
    await vp.fill('#username', 'vera');
    await vp.fill('#password', 'vera-has-a-long-password-42');
    await vp.click('#login button[type="submit"]');
    await vp.waitForURL(/\/traces$/);
    const me = await vp.evaluate(() => fetch('/api/v1/auth/me').then((r) => r.json()));
    assert.deepEqual([me.user, me.role], ['vera', 'viewer']);
    // The nav knows the caller (the user menu shows it) and offers a viewer no admin-only entry.
    await vp.waitForSelector('[data-testid="user-menu"]');
    const nav = await vp.$$eval('header nav a', (as) => as.map((a) => a.getAttribute('href')));
    assert.ok(nav.includes('/traces') && nav.includes('/alerts'), nav.join(' '));
    assert.ok(!nav.includes('/access') && !nav.includes('/admin/ops'), nav.join(' '));
    // Nothing was sent yet: the empty state names this server's OTLP ports (random here), not 4318/4317.
    await vp.waitForSelector('[data-testid="empty-state"]');
    const empty = (await vp.textContent('[data-testid="empty-state"]'))!;
    const httpPort = new URL(server.urls.otlpHttp).port;
    const grpcPort = server.urls.otlpGrpc.split(':').at(-1)!;
    await vp.waitForFunction(
      (p) => document.querySelector('[data-testid="empty-state"]')?.textContent?.includes(`:${p}`),
      httpPort,
    );
    assert.ok((await vp.textContent('[data-testid="empty-state"]'))!.includes(`:${grpcPort}`), empty);
    await vp.goto(`${server.urls.api}/access`);
    await vp.waitForSelector('[role="alert"]');
    assert.match((await vp.textContent('[role="alert"]'))!, /Not allowed/);
    await viewer.close();

    // The new API token logs a browser in as well, with its role.
    const tok = await browser.newContext();
    const tp = await tok.newPage();
    await tp.goto(`${server.urls.api}/login`);
    await tp.click('#token-login summary').catch(() => {});
    await tp.fill('#token', secret);
    await tp.click('#token-form button[type="submit"]');
    await tp.waitForURL((u) => u.pathname === '/');
    const tme = await tp.evaluate(() => fetch('/api/v1/auth/me').then((r) => r.json()));
    assert.equal(tme.role, 'viewer');
    await tok.close();
  });

  test('a used setup link or a wrong one gets a friendly page', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${server.urls.api}/login?setup=thl_not-a-real-link`);
    assert.equal(res?.status(), 403);
    assert.match((await page.textContent('h1'))!, /already used/);
    assert.ok(await page.isVisible('a[href="/login"]'));
    await page.close();
  });
});
