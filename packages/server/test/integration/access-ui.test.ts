// The API behind first login and the Admin page: token login (sessions that end with the
// token), role changes that keep the password, and the login page offering the token first.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers';
import { ADMIN_TOKEN, addUser, call, createToken, login } from '../support/auth';

const cookieOf = (r: { headers: Headers }) => r.headers.get('set-cookie')!.split(';')[0]!;

describe('token login and role changes', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ auth: true, sets: [`auth.adminToken=${ADMIN_TOKEN}`] });
  });
  after(() => server?.stop());

  test('with only the admin token: the login page opens the token form, the token logs a browser in', async () => {
    const page = await call(server, 'GET', '/login', { accept: 'text/html' });
    assert.match(page.body, /<details id="token-login" open>/);
    assert.equal(
      (await call(server, 'POST', '/api/v1/auth/token', { body: { token: 'nope-nope-nope-nope' } })).status,
      401,
    );
    const r = await call(server, 'POST', '/api/v1/auth/token', { body: { token: ADMIN_TOKEN } });
    assert.equal(r.status, 200);
    assert.deepEqual([r.body.user, r.body.role], ['token:admin', 'admin']);
    const me = await call(server, 'GET', '/api/v1/auth/me', { cookie: cookieOf(r) });
    assert.equal(me.body.role, 'admin');
    // A cross-site form cannot log a victim in.
    const cross = await call(server, 'POST', '/api/v1/auth/token', {
      body: { token: ADMIN_TOKEN },
      origin: 'https://evil.example',
    });
    assert.equal(cross.status, 403);
  });

  test('an API token session ends when the token is revoked', async () => {
    const { secret, id } = await createToken(server, { name: 'ui', kind: 'api', role: 'viewer' });
    const r = await call(server, 'POST', '/api/v1/auth/token', { body: { token: secret } });
    assert.equal(r.status, 200);
    const cookie = cookieOf(r);
    assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie })).body.role, 'viewer');
    assert.equal((await call(server, 'GET', '/api/v1/admin/users', { cookie })).status, 403, 'a viewer is no admin');
    assert.equal((await call(server, 'DELETE', `/api/v1/admin/tokens/${id}`, { token: ADMIN_TOKEN })).status, 204);
    assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie })).status, 401);
    // An ingest token is not a login.
    const ingest = await createToken(server, { name: 'otel', kind: 'ingest' });
    assert.equal((await call(server, 'POST', '/api/v1/auth/token', { body: { token: ingest.secret } })).status, 401);
  });

  test('PATCH a user role: the password stays, their sessions end, bad roles and unknown users refused', async () => {
    const password = await addUser(server, 'rita', 'viewer');
    const cookie = await login(server, 'rita', password);
    const r = await call(server, 'PATCH', '/api/v1/admin/users/rita', { token: ADMIN_TOKEN, body: { role: 'ops' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.role, 'ops');
    assert.equal(r.body.passwordHash, undefined);
    assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie })).status, 401, 'the old session ended');
    const again = await login(server, 'rita', password);
    assert.equal((await call(server, 'GET', '/api/v1/auth/me', { cookie: again })).body.role, 'ops');
    assert.equal(
      (await call(server, 'PATCH', '/api/v1/admin/users/rita', { token: ADMIN_TOKEN, body: { role: 'root' } })).status,
      400,
    );
    assert.equal(
      (await call(server, 'PATCH', '/api/v1/admin/users/nobody', { token: ADMIN_TOKEN, body: { role: 'ops' } })).status,
      404,
    );
    assert.equal(
      (await call(server, 'PATCH', '/api/v1/admin/users/rita', { cookie: again, body: { role: 'admin' } })).status,
      403,
    );
  });

  test('a used or wrong setup link gets an HTML page that says what to do', async () => {
    const r = await call(server, 'GET', '/login?setup=thl_wrong', { accept: 'text/html' });
    assert.equal(r.status, 403);
    assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    assert.match(r.body, /already used/);
    assert.match(r.body, /href="\/login"/);
  });
});
