import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers';
import { ADMIN_TOKEN, addUser, call, createToken, login } from '../support/auth';

const TRACE = '0af7651916cd43dd8448eb211c80319c';

/** A concrete path for a route pattern: parameters and wildcards get harmless values. */
const concrete = (url: string) =>
  url
    .replace(/:traceId/g, TRACE)
    .replace(/:[A-Za-z_]+/g, 'x')
    .replace(/\*$/, 'x');

describe('access control', () => {
  let server: TestServer;
  let viewerToken: string;
  before(async () => {
    server = await startTestServer({ auth: true, sets: [`auth.adminToken=${ADMIN_TOKEN}`] });
    viewerToken = (await createToken(server, { name: 'viewer', kind: 'api', role: 'viewer' })).secret;
  });
  after(() => server.stop());

  test('health is public; telemetry and /metrics need credentials', async () => {
    assert.equal((await call(server, 'GET', '/livez')).status, 200);
    assert.equal((await call(server, 'GET', '/readyz')).status, 200);
    const anon = await call(server, 'GET', `/api/v1/traces/${TRACE}`);
    assert.equal(anon.status, 401);
    assert.deepEqual(Object.keys(anon.body), ['error']);
    assert.equal((await call(server, 'GET', '/metrics')).status, 401);
    assert.equal((await call(server, 'GET', '/metrics', { token: viewerToken })).status, 403);
    assert.equal((await call(server, 'GET', '/metrics', { token: ADMIN_TOKEN })).status, 200);
    assert.equal((await call(server, 'GET', `/api/v1/traces/${TRACE}`, { token: viewerToken })).status, 404);
    assert.equal((await call(server, 'GET', `/api/v1/traces/${TRACE}`, { token: 'tha_wrong' })).status, 401);
  });

  test('every route: anonymous gets 401, a viewer gets 403 on admin routes', async () => {
    const table = await call(server, 'GET', '/api/v1/admin/routes', { token: ADMIN_TOKEN });
    assert.equal(table.status, 200);
    const routes: { method: string; url: string; policy: string }[] = table.body.routes;
    const openapi = await call(server, 'GET', '/api/v1/openapi.json', { token: viewerToken });
    assert.equal(openapi.status, 200);
    assert.deepEqual(Object.keys(openapi.body.components.securitySchemes).sort(), ['bearer', 'session']);
    assert.deepEqual(openapi.body.paths['/livez'].get.security, [], '/livez is documented as public');
    // Every documented operation is a registered route, so the loop below covers it.
    for (const [path, ops] of Object.entries(openapi.body.paths as Record<string, object>)) {
      const url = path.replace(/\{([^}]+)\}/g, ':$1');
      for (const method of Object.keys(ops)) {
        assert.ok(
          routes.some((r) => r.url === url && r.method === method.toUpperCase()),
          `${method} ${path} is in the router`,
        );
      }
    }
    const checked: string[] = [];
    const undeclared: string[] = [];
    for (const r of routes) {
      if (r.method === 'HEAD' || r.method === 'OPTIONS') continue;
      const path = concrete(r.url);
      const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
      if (r.policy === 'deny') undeclared.push(`${r.method} ${r.url}`);
      if (r.policy === 'public') continue;
      const anon = await call(server, r.method, path, { body });
      assert.equal(anon.status, 401, `anonymous ${r.method} ${r.url}`);
      const viewer = await call(server, r.method, path, { token: viewerToken, body });
      if (r.policy === 'admin' || r.policy === 'ops' || r.policy === 'metrics' || r.policy === 'deny')
        assert.equal(viewer.status, 403, `viewer ${r.method} ${r.url}`);
      else assert.notEqual(viewer.status, 401, `viewer ${r.method} ${r.url}`);
      checked.push(`${r.method} ${r.url} (${r.policy})`);
    }
    assert.ok(checked.some((c) => c.startsWith('GET /api/v1/admin/users')));
    assert.ok(checked.some((c) => c.startsWith('GET /api/v1/traces/:traceId')));
    // Not a failure: a route without a policy is safe (nobody may call it), but it is unusable.
    if (undeclared.length) console.log(`routes without an access policy (denied): ${undeclared.join(', ')}`);
  });

  test('sessions: login, role, CSRF origin check, logout', async () => {
    const password = await addUser(server, 'vera', 'viewer');
    const bad = await call(server, 'POST', '/api/v1/auth/login', {
      body: { username: 'vera', password: 'nope-nope-nope' },
    });
    assert.equal(bad.status, 401);
    const res = await call(server, 'POST', '/api/v1/auth/login', { body: { username: 'vera', password } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { user: 'vera', role: 'viewer' });
    const setCookie = res.headers.get('set-cookie')!;
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    assert.deepEqual((await call(server, 'GET', '/api/v1/auth/me', { cookie })).body, {
      user: 'vera',
      role: 'viewer',
      tenant: 'default',
    });
    assert.equal((await call(server, 'GET', `/api/v1/traces/${TRACE}`, { cookie })).status, 404);
    assert.equal((await call(server, 'GET', '/api/v1/admin/users', { cookie })).status, 403);

    // A state-changing call with the cookie but from another origin (or none) is refused.
    const adminPassword = await addUser(server, 'ada', 'admin');
    const adminCookie = await login(server, 'ada', adminPassword);
    const body = { name: 'x', kind: 'api', role: 'viewer' };
    const own = server.urls.api;
    assert.equal((await call(server, 'POST', '/api/v1/admin/tokens', { cookie: adminCookie, body })).status, 403);
    assert.equal(
      (
        await call(server, 'POST', '/api/v1/admin/tokens', {
          cookie: adminCookie,
          body,
          origin: 'https://evil.example',
        })
      ).status,
      403,
    );
    assert.equal(
      (await call(server, 'POST', '/api/v1/admin/tokens', { cookie: adminCookie, body, origin: own })).status,
      201,
    );
    assert.equal(
      (
        await call(server, 'POST', '/api/v1/auth/login', {
          body: { username: 'vera', password },
          origin: 'https://evil.example',
        })
      ).status,
      403,
    );

    assert.equal((await call(server, 'POST', '/api/v1/auth/logout', { cookie, origin: own })).status, 204);
    assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie })).status, 401);

    // Removing a user ends their sessions at once.
    assert.equal((await call(server, 'DELETE', '/api/v1/admin/users/ada', { token: ADMIN_TOKEN })).status, 204);
    assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie: adminCookie })).status, 401);
  });

  test('users change their own password: the current one is required, every old session ends', async () => {
    const password = await addUser(server, 'frank', 'viewer');
    const origin = server.urls.api;
    const cookie = await login(server, 'frank', password);
    const otherBrowser = await login(server, 'frank', password);
    const change = (auth: { cookie?: string; token?: string }, currentPassword: string, newPassword: string) =>
      call(server, 'POST', '/api/v1/auth/password', { ...auth, origin, body: { currentPassword, newPassword } });

    assert.equal((await change({ cookie }, 'not-the-password', 'frank-new-password')).status, 403);
    assert.equal((await change({ cookie }, password, 'short')).status, 400);
    assert.equal(
      (await change({ token: viewerToken }, password, 'frank-new-password')).status,
      403,
      'tokens have no password',
    );
    assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie })).status, 200, 'refusals change nothing');

    const changed = await change({ cookie }, password, 'frank-new-password');
    assert.equal(changed.status, 200);
    const fresh = changed.headers.get('set-cookie')!.split(';')[0]!;
    assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie: fresh })).body.user, 'frank');
    for (const old of [cookie, otherBrowser]) {
      assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie: old })).status, 401);
    }
    const oldLogin = await call(server, 'POST', '/api/v1/auth/login', { body: { username: 'frank', password } });
    assert.equal(oldLogin.status, 401);
    assert.equal((await login(server, 'frank', 'frank-new-password')).startsWith('th_session='), true);
  });

  test('pages: /admin/ops sends an anonymous browser to /login; the login page escapes next', async () => {
    const r = await call(server, 'GET', '/admin/ops', { accept: 'text/html' });
    assert.equal(r.status, 302);
    assert.equal(r.headers.get('location'), '/login?next=%2Fadmin%2Fops');
    const page = await call(server, 'GET', '/login?next=%2F%2Fevil.example');
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.body, /evil\.example/);
    assert.match(page.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
  });

  test('failed logins are throttled', async () => {
    const password = await addUser(server, 'tom', 'viewer');
    for (let i = 0; i < 5; i++) {
      const r = await call(server, 'POST', '/api/v1/auth/login', { body: { username: 'tom', password: `wrong-${i}` } });
      assert.equal(r.status, 401);
    }
    const r = await call(server, 'POST', '/api/v1/auth/login', { body: { username: 'tom', password } });
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers.get('retry-after')) > 0);
  });

  test('tokens: hashed at rest, revocable; the audit log records admin actions', async () => {
    const { secret, id } = await createToken(server, { name: 'ops bot', kind: 'api', role: 'ops' });
    assert.equal((await call(server, 'GET', '/metrics', { token: secret })).status, 200);
    const rows = await server.store.sql.query<{ TokenHash: string }>(
      'SELECT TokenHash FROM api_tokens FINAL WHERE TokenId = {id:String}',
      { id },
    );
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0]!.TokenHash, secret);
    const all = await server.store.sql.query<Record<string, string>>('SELECT * FROM api_tokens');
    assert.ok(!JSON.stringify(all).includes(secret), 'no token secret in the table');
    const users = await server.store.sql.query<Record<string, string>>('SELECT * FROM users');
    assert.ok(!JSON.stringify(users).includes('vera-password-1'), 'no password in the table');

    const list = await call(server, 'GET', '/api/v1/admin/tokens', { token: ADMIN_TOKEN });
    assert.ok(!JSON.stringify(list.body).includes(rows[0]!.TokenHash), 'the API never returns a hash');
    assert.equal((await call(server, 'DELETE', `/api/v1/admin/tokens/${id}`, { token: ADMIN_TOKEN })).status, 204);
    assert.equal((await call(server, 'GET', '/metrics', { token: secret })).status, 401);

    const audit = await call(server, 'GET', '/api/v1/admin/audit', { token: ADMIN_TOKEN });
    const actions = audit.body.entries.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`);
    for (const a of [
      'login:ok',
      'login:failed',
      'login:denied',
      'token.create:ok',
      'token.revoke:ok',
      'user.put:ok',
      'access.denied:denied',
    ])
      assert.ok(actions.includes(a), `audit has ${a}`);
  });
});

describe('first start and the CLI', () => {
  const root = resolve(import.meta.dirname, '../../../..');
  const cli = (args: string[], input?: string) =>
    spawnSync(process.execPath, [join(root, 'bin/tracehouse.js'), ...args], { input, encoding: 'utf8', cwd: root });

  test('a first start prints a one-time login link, never a default password', async () => {
    const server = await startTestServer({ auth: true });
    try {
      const link = /(\/login\?setup=\S+)/.exec(server.access)?.[1];
      assert.ok(link, server.access);
      assert.doesNotMatch(server.access, /password/i);
      const first = await call(server, 'GET', link);
      assert.equal(first.status, 302);
      const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
      assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie })).body.role, 'admin');
      assert.equal((await call(server, 'GET', link)).status, 403, 'the link works once');
    } finally {
      await server.stop();
    }
  });

  test('users and tokens created by the CLI work on the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-cli-'));
    try {
      const add = cli(
        ['users', 'add', 'carol', '--role', 'ops', '--password-stdin', '--data-dir', dataDir],
        'carol-secret-pw\n',
      );
      assert.equal(add.status, 0, add.stderr);
      const weak = cli(['users', 'add', 'dave', '--role', 'ops', '--password-stdin', '--data-dir', dataDir], 'short\n');
      assert.equal(weak.status, 2);
      const token = cli(['tokens', 'create', '--name', 'grafana', '--role', 'viewer', '--data-dir', dataDir]);
      assert.equal(token.status, 0, token.stderr);
      const secret = token.stdout.trim();
      assert.match(secret, /^tha_[A-Za-z0-9_-]{43}$/);
      const list = cli(['users', 'list', '--data-dir', dataDir]);
      assert.equal(list.stdout.trim(), 'carol\tops\ttenant=default');

      const server = await startTestServer({ auth: true, dataDir });
      try {
        assert.doesNotMatch(server.access, /setup=/, 'users exist: no setup link');
        const cookie = await login(server, 'carol', 'carol-secret-pw');
        assert.equal((await call(server, 'GET', '/metrics', { cookie })).status, 200);
        assert.equal((await call(server, 'GET', '/api/v1/admin/users', { cookie })).status, 403);
        assert.equal((await call(server, 'GET', '/api/v1/auth/me', { token: secret })).body.role, 'viewer');
      } finally {
        await server.stop({ keepData: true });
      }
      const id = cli(['tokens', 'list', '--data-dir', dataDir]).stdout.split('\t')[0]!;
      assert.equal(cli(['tokens', 'revoke', id, '--data-dir', dataDir]).status, 0);
      assert.equal(cli(['users', 'remove', 'carol', '--data-dir', dataDir]).status, 0);
      assert.equal(cli(['users', 'list', '--data-dir', dataDir]).stdout.trim(), '');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a browser session survives a restart; a logout survives it too', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-sessions-'));
    const start = () => startTestServer({ auth: true, dataDir, sets: [`auth.adminToken=${ADMIN_TOKEN}`] });
    try {
      let server = await start();
      await addUser(server, 'erin', 'viewer');
      const kept = await login(server, 'erin', 'erin-password-1');
      const loggedOut = await login(server, 'erin', 'erin-password-1');
      await server.stop({ keepData: true });

      server = await start();
      try {
        assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie: kept })).body.user, 'erin');
        assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie: loggedOut })).status, 200);
        const origin = server.urls.api;
        assert.equal((await call(server, 'POST', '/api/v1/auth/logout', { cookie: loggedOut, origin })).status, 204);
        assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie: loggedOut })).status, 401);
        const rows = await server.store.sql.query<Record<string, string>>('SELECT * FROM sessions');
        const stored = JSON.stringify(rows);
        for (const cookie of [kept, loggedOut])
          assert.ok(!stored.includes(cookie.split('=')[1]!), 'only hashes are stored');
      } finally {
        await server.stop({ keepData: true });
      }

      server = await start();
      try {
        assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie: kept })).status, 200);
        assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie: loggedOut })).status, 401);
        // Removing the user ends the sessions that outlived the restart.
        assert.equal((await call(server, 'DELETE', '/api/v1/admin/users/erin', { token: ADMIN_TOKEN })).status, 204);
        assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie: kept })).status, 401);
      } finally {
        await server.stop({ keepData: true });
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('--allow-anonymous is refused on a non-loopback bind', async () => {
    await assert.rejects(
      startTestServer({ sets: ['server.host=0.0.0.0'] }),
      /allow-anonymous is refused on a non-loopback bind/,
    );
  });
});
