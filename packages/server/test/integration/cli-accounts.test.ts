// `tracehouse users|tokens` while a server runs: the embedded store is locked by the server, so
// the real CLI (a child process) goes through the server's admin API with a token, and says
// exactly what to do when it has no token or cannot reach the server. Nothing is mocked.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers';
import { ADMIN_TOKEN, call, login } from '../support/auth';

const ROOT = resolve(import.meta.dirname, '../../../..');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a child process; asynchronous, as the server it calls runs in this process. */
function cli(args: string[], opts: { input?: string; env?: Record<string, string | undefined> } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, TRACEHOUSE_TOKEN: undefined, TRACEHOUSE_ADMIN_TOKEN: undefined };
  for (const [k, v] of Object.entries(opts.env ?? {})) env[k] = v;
  const child = spawn(process.execPath, [join(ROOT, 'bin/tracehouse.js'), ...args], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(opts.input ?? '');
  return new Promise((r) => child.on('close', (status) => r({ status, stdout, stderr })));
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('the users and tokens commands while the server runs', () => {
  let server: TestServer;
  /** What a user passes: the same store and the server's port (as a shared config file would). */
  let common: string[];
  before(async () => {
    server = await startTestServer({ auth: true, sets: [`auth.adminToken=${ADMIN_TOKEN}`] });
    common = ['--data-dir', server.dataDir, '--set', `server.port=${new URL(server.urls.api).port}`];
  });
  after(() => server.stop());

  test('with the admin token, users and tokens change through the running server', async () => {
    const env = { TRACEHOUSE_ADMIN_TOKEN: ADMIN_TOKEN };
    const add = await cli(['users', 'add', 'frank', '--role', 'viewer', '--password-stdin', ...common], {
      input: 'frank-has-a-password\n',
      env,
    });
    assert.equal(add.status, 0, add.stderr);
    assert.match(add.stderr, /asking the running server at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(add.stdout, /user frank \(viewer, tenant default\) saved/);
    // The server knows the user at once: no restart, no 10 s wait.
    await login(server, 'frank', 'frank-has-a-password');
    const users = await cli(['users', 'list', ...common], { env });
    assert.equal(users.stdout.trim(), 'frank\tviewer\ttenant=default');

    const weak = await cli(['users', 'add', 'gina', '--role', 'viewer', '--password-stdin', ...common], {
      input: 'short\n',
      env,
    });
    assert.equal(weak.status, 2);
    assert.match(weak.stderr, /password/);

    const created = await cli(['tokens', 'create', '--name', 'ci', '--role', 'viewer', '--expires', '1d', ...common], {
      env,
    });
    assert.equal(created.status, 0, created.stderr);
    const secret = created.stdout.trim();
    assert.equal((await call(server, 'GET', '/api/v1/auth/me', { token: secret })).body.role, 'viewer');
    const list = await cli(['tokens', 'list', ...common], { env });
    const row = list.stdout.split('\n').find((l) => l.endsWith('\tci'))!;
    assert.match(row, /\tapi\trole=viewer tenant=default\tactive\tci$/);
    const id = row.split('\t')[0]!;
    assert.equal((await cli(['tokens', 'revoke', id, ...common], { env })).status, 0);
    assert.equal((await call(server, 'GET', '/api/v1/auth/me', { token: secret })).status, 401);
    const again = await cli(['tokens', 'revoke', id, ...common], { env });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /no active token/);

    assert.equal((await cli(['users', 'remove', 'frank', ...common], { env })).status, 0);
    const none = await cli(['users', 'remove', 'frank', ...common], { env });
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no user frank/);
    // The server audited the changes, by the token that made them.
    const audit = await call(server, 'GET', '/api/v1/admin/audit?limit=50', { token: ADMIN_TOKEN });
    const actions = (audit.body.entries as { action: string }[]).map((e) => e.action);
    for (const a of ['user.put', 'token.create', 'token.revoke', 'user.remove']) assert.ok(actions.includes(a), a);
  });

  test('a personal admin API token in TRACEHOUSE_TOKEN works too; a viewer token is refused', async () => {
    const mk = (role: string) =>
      call(server, 'POST', '/api/v1/admin/tokens', { token: ADMIN_TOKEN, body: { name: role, kind: 'api', role } });
    const admin = (await mk('admin')).body.secret as string;
    const viewer = (await mk('viewer')).body.secret as string;
    const ok = await cli(['users', 'list', ...common], { env: { TRACEHOUSE_TOKEN: admin } });
    assert.equal(ok.status, 0, ok.stderr);
    const refused = await cli(['users', 'list', ...common], { env: { TRACEHOUSE_TOKEN: viewer } });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /refused: .*\(403\)/);
    const wrong = await cli(['users', 'list', ...common], { env: { TRACEHOUSE_TOKEN: 'tha_not-a-token-at-all' } });
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /did not accept the token \(401\)/);
  });

  test('without a token it says exactly what to do, and changes nothing', async () => {
    const r = await cli(['users', 'add', 'hugo', '--role', 'admin', '--password-stdin', ...common], {
      input: 'hugo-has-a-password\n',
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /a running server \(pid \d+\) holds the embedded store/);
    assert.match(r.stderr, /TRACEHOUSE_TOKEN=<admin API token> npx tracehouse users add hugo/);
    assert.match(r.stderr, new RegExp(`${server.urls.api}/access`));
    assert.doesNotMatch(r.stderr, /lock/i, 'no raw ClickHouse error');
    const users = await call(server, 'GET', '/api/v1/admin/users', { token: ADMIN_TOKEN });
    assert.ok(!(users.body.users as { username: string }[]).some((u) => u.username === 'hugo'));
  });

  test('an unreachable server is named, with what to try', async () => {
    const port = await closedPort();
    const r = await cli(['users', 'list', '--server', `http://127.0.0.1:${port}`], {
      env: { TRACEHOUSE_TOKEN: ADMIN_TOKEN },
    });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      new RegExp(`cannot reach the tracehouse server at http://127.0.0.1:${port} \\(ECONNREFUSED\\)`),
    );
    assert.match(r.stderr, /nothing was changed/);
    // The store is locked and the configured port is wrong: the same clear answer.
    const wrongPort = await cli(['users', 'list', '--data-dir', server.dataDir, '--set', `server.port=${port}`], {
      env: { TRACEHOUSE_TOKEN: ADMIN_TOKEN },
    });
    assert.equal(wrongPort.status, 1);
    assert.match(wrongPort.stderr, /cannot reach the tracehouse server/);
    assert.match(wrongPort.stderr, /--server URL/);
  });
});
