// The web UI's static serving (api/ui.ts): files, SPA fallback, server paths left alone,
// no path traversal, a clear answer when the UI was not built.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Fastify from 'fastify';
import { isServerPath, UI_MISSING_MESSAGE, uiRoutes } from '../../src/api/ui';

const root = mkdtempSync(join(tmpdir(), 'tracehouse-ui-'));
const dist = join(root, 'dist');
mkdirSync(join(dist, 'assets'), { recursive: true });
writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(join(root, 'secret.txt'), 'TOP-SECRET-CONTENT');
after(() => rmSync(root, { recursive: true, force: true }));

async function app(dir: string) {
  const a = Fastify();
  a.get('/api/v1/real', async () => ({ ok: true }));
  uiRoutes(a, { dir });
  await a.ready();
  return a;
}

test('index, hashed assets and deep links are served; server paths are not', async () => {
  const a = await app(dist);
  const index = await a.inject('/');
  assert.equal(index.statusCode, 200);
  assert.match(index.headers['content-type'] as string, /text\/html/);
  assert.equal(index.headers['cache-control'], 'no-cache');
  const js = await a.inject('/assets/index-abc.js');
  assert.match(js.headers['content-type'] as string, /javascript/);
  assert.match(js.headers['cache-control'] as string, /immutable/);
  const deep = await a.inject('/trace/0123?span=ab');
  assert.equal(deep.statusCode, 200);
  assert.match(deep.body, /id="root"/);
  assert.equal((await a.inject('/api/v1/real')).json().ok, true);
  for (const p of ['/api/v1/nope', '/tempo/api/search', '/admin/ops', '/login', '/metrics', '/livez', '/readyz']) {
    const r = await a.inject(p);
    assert.equal(r.statusCode, 404, p);
    assert.doesNotMatch(r.body, /id="root"/, p);
  }
  assert.equal((await a.inject('/assets/missing.js')).statusCode, 404);
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
    assert.doesNotMatch((await a.inject(p)).body, /TOP-SECRET-CONTENT/, p);
  }
  await a.close();
});

test('without a build the UI paths explain how to build it and the API still works', async () => {
  const a = await app(join(root, 'nope'));
  const r = await a.inject('/traces');
  assert.equal(r.statusCode, 503);
  assert.ok(r.body.includes(UI_MISSING_MESSAGE));
  assert.equal((await a.inject('/api/v1/real')).statusCode, 200);
  await a.close();
});

test('server path prefixes', () => {
  assert.ok(isServerPath('/api/v1/x'));
  assert.ok(isServerPath('/login'));
  assert.ok(isServerPath('/login?next=/'));
  assert.ok(!isServerPath('/logs'));
  assert.ok(!isServerPath('/apis'));
  assert.ok(!isServerPath('/trace/abc'));
});
