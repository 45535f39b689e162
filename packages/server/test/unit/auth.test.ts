import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SessionRow } from '@tracehouse/store';
import { safeNext } from '../../src/auth/pages';
import { resolvePolicy } from '../../src/auth/policy';
import { LoginLimiter } from '../../src/auth/rateLimit';
import { roleAtLeast } from '../../src/auth/roles';
import { hashPassword, newSecret, sha256, tokenIdOf, verifyPassword } from '../../src/auth/secrets';
import { bearerToken, isLoopback } from '../../src/auth/service';
import { type SessionStore, Sessions } from '../../src/auth/sessions';

describe('auth building blocks', () => {
  test('roles are ordered', () => {
    assert.ok(roleAtLeast('admin', 'viewer'));
    assert.ok(roleAtLeast('ops', 'ops'));
    assert.ok(!roleAtLeast('viewer', 'ops'));
    assert.ok(!roleAtLeast('ops', 'admin'));
  });

  test('policies: declared first, then the fallback table, else deny', () => {
    assert.deepEqual(resolvePolicy('GET', '/api/v1/x', 'admin'), { policy: 'admin', declared: true });
    assert.equal(resolvePolicy('GET', '/api/v1/search', undefined).policy, 'viewer');
    assert.equal(resolvePolicy('POST', '/api/v1/search', undefined).policy, 'deny');
    assert.equal(resolvePolicy('PUT', '/api/v1/admin/sampling', undefined).policy, 'admin');
    assert.equal(resolvePolicy('GET', '/tempo/api/search', undefined).policy, 'viewer');
    assert.equal(resolvePolicy('GET', '/api/v1/ops/processors', undefined).policy, 'ops');
    assert.equal(resolvePolicy('GET', '/*', undefined).policy, 'public');
    assert.equal(resolvePolicy('GET', '/assets/*', undefined).policy, 'public');
    assert.equal(resolvePolicy('GET', '/debug/pprof', undefined).policy, 'deny');
  });

  test('passwords: scrypt, salted, verified', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    assert.notEqual(a, b);
    assert.match(a, /^scrypt\$16384\$8\$1\$/);
    assert.ok(await verifyPassword('correct horse', a));
    assert.ok(!(await verifyPassword('correct horsf', a)));
    assert.ok(!(await verifyPassword('x', 'plain')));
  });

  test('tokens: 256-bit secrets, sha256, short public id', () => {
    const t = newSecret('tha');
    assert.match(t, /^tha_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(newSecret('tha'), t);
    assert.equal(sha256(t).length, 64);
    assert.equal(tokenIdOf(sha256(t)), sha256(t).slice(0, 12));
    assert.equal(bearerToken('Bearer abc'), 'abc');
    assert.equal(bearerToken('bearer  abc '), 'abc');
    assert.equal(bearerToken('Basic abc'), null);
    assert.equal(bearerToken(undefined), null);
  });

  test('login limiter: per key, sliding window, cleared by success', () => {
    let now = 0;
    const l = new LoginLimiter(3, 60_000, () => now);
    const keys = ['addr:1', 'user:a'];
    for (let i = 0; i < 3; i++) {
      assert.equal(l.retryAfterMs(keys), 0);
      l.fail(keys);
      now += 1000;
    }
    assert.equal(l.retryAfterMs(keys), 57_000);
    assert.equal(l.retryAfterMs(['addr:2', 'user:b']), 0);
    assert.ok(l.retryAfterMs(['addr:2', 'user:a']) > 0, 'the username is throttled from any address');
    now = 60_001;
    assert.equal(l.retryAfterMs(keys), 0, 'the oldest failure left the window');
    l.fail(keys);
    l.succeed(keys);
    assert.equal(l.retryAfterMs(keys), 0);
  });

  test('sessions expire and can be ended per user', async () => {
    let now = 0;
    const s = new Sessions(1000, () => now);
    const id = await s.create({ user: 'a', role: 'viewer', tenant: 'default', via: 'session' });
    const other = await s.create({ user: 'b', role: 'admin', tenant: 'default', via: 'session' });
    assert.equal(s.get(id)?.user, 'a');
    assert.equal(s.get('ths_forged'), null);
    await s.destroyUser('b');
    assert.equal(s.get(other), null);
    now = 1000;
    assert.equal(s.get(id), null);
  });

  test('a reload takes the stored sessions, keeps ones added during its read, and never revives an ended one', async () => {
    let now = 0;
    const rows = new Map<string, SessionRow>();
    const ended = new Set<string>();
    let listing: Promise<void> | undefined;
    const store: SessionStore = {
      putSession: async (row) => void rows.set(row.hash, row),
      endSessions: async (which) => {
        for (const row of rows.values()) {
          if ('hash' in which ? row.hash === which.hash : row.username === which.username) ended.add(row.hash);
        }
      },
      listSessions: async () => {
        const live = [...rows.values()].filter((row) => !ended.has(row.hash) && row.expiresAtMs > now);
        await listing;
        return live;
      },
    };
    const principal = (user: string) => ({ user, role: 'viewer' as const, tenant: 'default', via: 'session' as const });
    const first = new Sessions(10_000, () => now, store);
    const kept = await first.create(principal('a'));
    const loggedOut = await first.create(principal('b'));

    // Another process (a restart) loads them from the store.
    const second = new Sessions(10_000, () => now, store);
    assert.equal(second.get(kept), null);
    await second.reload();
    assert.equal(second.get(kept)?.user, 'a');
    assert.equal(second.get(loggedOut)?.user, 'b');

    // A logout in the first process reaches the second at its next reload.
    await first.destroy(loggedOut);
    await second.reload();
    assert.equal(second.get(loggedOut), null);

    // A reload whose read began before a login and a logout here: the login stays, the logout holds.
    let release = () => {};
    listing = new Promise((resolve) => {
      release = resolve;
    });
    const reloading = second.reload();
    now += 1;
    const during = await second.create(principal('c'));
    await second.destroy(kept);
    release();
    await reloading;
    assert.equal(second.get(during)?.user, 'c');
    assert.equal(second.get(kept), null, 'ended here: the stale read does not bring it back');
    listing = undefined;

    now = 20_000;
    await second.reload();
    assert.equal(second.get(during), null, 'expired');
  });

  test('next= only ever leads to a local path', () => {
    assert.equal(safeNext('/admin/ops?x=1'), '/admin/ops?x=1');
    for (const bad of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      '/a\nb',
      3,
      undefined,
    ])
      assert.equal(safeNext(bad), '/', String(bad));
  });

  test('loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.ok(isLoopback(h), h);
    for (const h of ['0.0.0.0', '10.0.0.1', '::', 'example.com']) assert.ok(!isLoopback(h), h);
  });
});
