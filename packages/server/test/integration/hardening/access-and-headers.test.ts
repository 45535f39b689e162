import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../helpers';
import { ADMIN_TOKEN, addUser, call } from '../../support/auth';
import { timedRequest } from '../../support/responsiveness';

describe('logins, reserved names, CSRF scheme, security headers, readiness (issue 15 items 7, 10)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ auth: true, sets: [`auth.adminToken=${ADMIN_TOKEN}`, 'auth.loginMaxFailures=3'] });
  });
  after(() => server.stop());

  const loginFrom = (localAddress: string, username: string, password: string) =>
    timedRequest(`${server.urls.api}/api/v1/auth/login`, {
      method: 'POST',
      body: Buffer.from(JSON.stringify({ username, password })),
      headers: { 'content-type': 'application/json' },
      localAddress,
    });

  test('wrong passwords from one address throttle that address, never the admin from another', async () => {
    const password = await addUser(server, 'ada', 'admin');
    for (let i = 0; i < 3; i++) assert.equal((await loginFrom('127.0.0.7', 'ada', `wrong-${i}`)).status, 401);
    assert.equal((await loginFrom('127.0.0.7', 'ada', password)).status, 429, 'the attacking address is throttled');
    assert.equal((await loginFrom('127.0.0.8', 'ada', password)).status, 200, 'the admin logs in from elsewhere');
  });

  test('a failed login with an unknown username does not store what was typed', async () => {
    const typed = 'correct-horse-battery-staple';
    assert.equal((await loginFrom('127.0.0.9', typed, 'x')).status, 401);
    const audit = await call(server, 'GET', '/api/v1/admin/audit', { token: ADMIN_TOKEN });
    assert.doesNotMatch(JSON.stringify(audit.body), new RegExp(typed));
    const [row] = await server.store.sql.query<{ n: string }>(
      'SELECT toString(count()) AS n FROM audit_log WHERE position(Actor, {typed:String}) > 0 OR position(Target, {typed:String}) > 0',
      { typed },
    );
    assert.equal(row!.n, '0');
  });

  test('the username `setup` is reserved', async () => {
    const r = await call(server, 'POST', '/api/v1/admin/users', {
      token: ADMIN_TOKEN,
      body: { username: 'setup', role: 'admin', password: 'a-long-password-1' },
    });
    assert.equal(r.status, 400);
    assert.match(r.body.error, /reserved/);
  });

  test('the CSRF origin check compares the scheme too', async () => {
    const password = await addUser(server, 'cora', 'admin');
    const login = await call(server, 'POST', '/api/v1/auth/login', { body: { username: 'cora', password } });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const body = { name: 'x', kind: 'api', role: 'viewer' };
    const own = server.urls.api;
    const otherScheme = own.replace(/^http:/, 'https:');
    const refused = await call(server, 'POST', '/api/v1/admin/tokens', { cookie, body, origin: otherScheme });
    assert.equal(refused.status, 403);
    assert.equal((await call(server, 'POST', '/api/v1/admin/tokens', { cookie, body, origin: own })).status, 201);
  });

  test('the SPA shell and the JSON API send CSP, frame protection and nosniff', async () => {
    for (const path of ['/', '/traces', '/login', '/api/v1/auth/me', '/livez']) {
      const r = await call(server, 'GET', path);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(r.headers.get('x-frame-options'), 'DENY', path);
      assert.match(r.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
    }
    const shell = await call(server, 'GET', '/');
    const csp = shell.headers.get('content-security-policy')!;
    assert.doesNotMatch(csp, /unsafe-inline'[^;]*;.*script|script-src[^;]*unsafe/);
    // The shell's inline theme script is allowed by its hash.
    if (/<script>/.test(shell.body)) assert.match(csp, /script-src 'self' 'sha256-/);
  });

  test('/readyz answers 503 while writes fail', async () => {
    assert.equal((await call(server, 'GET', '/readyz')).status, 200);
    // The store loses a table under it: every log insert now fails.
    await server.store.sql.command('RENAME TABLE logs TO logs_gone');
    try {
      const r = await timedRequest(`${server.urls.otlpHttp}/v1/logs`, {
        method: 'POST',
        body: Buffer.from(
          JSON.stringify({
            resourceLogs: [
              { scopeLogs: [{ logRecords: [{ timeUnixNano: `${Date.now()}000000`, body: { stringValue: 'x' } }] }] },
            ],
          }),
        ),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      assert.notEqual(r.status, 200);
      const ready = await call(server, 'GET', '/readyz');
      assert.equal(ready.status, 503);
      assert.match(ready.body.reason, /inserts into logs are failing/);
    } finally {
      await server.store.sql.command('RENAME TABLE logs_gone TO logs');
    }
  });
});
