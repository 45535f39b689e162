import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../helpers';

describe('numeric edge cases are 400 with a reason, 5xx are logged (issue 15 item 9)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());
  const q = encodeURIComponent;
  const terms = (n: number) => Array.from({ length: n }, (_, i) => `.a=${i}`).join('||');

  test('native search: huge durations and integers, far times, 700 || terms', async () => {
    for (const path of [
      `/api/v1/search?q=${q('{duration > 99999999999999999999999h}')}`,
      `/api/v1/search?q=${q('{.n > 9223372036854775808}')}`,
      `/api/v1/search?q=${q('{.n > 1e999}')}`,
      `/api/v1/search?q=${q('{}')}&start=0&end=1e300`,
      `/api/v1/search?q=${q('{}')}&start=1e300`,
      `/api/v1/search?q=${q(`{${terms(700)}}`)}`,
      `/api/v1/logs?start=0&end=1e300`,
    ]) {
      const r = await server.get(path);
      assert.equal(r.status, 400, `${path}: ${JSON.stringify(r.body)}`);
      assert.ok(typeof r.body.error === 'string' && r.body.error.length > 10, path);
    }
    // Integers beyond ±2^53 cannot be compared exactly (a 500 before); the largest safe one is fine.
    assert.equal((await server.get(`/api/v1/search?q=${q('{.n > 9223372036854775807}')}`)).status, 400);
    assert.equal((await server.get(`/api/v1/search?q=${q('{.n > 9007199254740991}')}`)).status, 200);
    // A long query under the token limit is fine.
    assert.equal((await server.get(`/api/v1/search?q=${q(`{${terms(120)}}`)}`)).status, 200);
  });

  test('Tempo search: validation errors are the message as plain text, never [object Object]', async () => {
    for (const [path, message] of [
      ['/tempo/api/search?limit=-1', /limit must be an integer/],
      ['/tempo/api/search?minDuration=abc', /minDuration must be a duration/],
      ['/tempo/api/search?start=1e300', /start must be Unix seconds/],
      [`/tempo/api/search?q=${q('{duration > 99999999999999999999999h}')}`, /out of range/],
    ] as const) {
      const res = await fetch(server.urls.api + path);
      assert.equal(res.status, 400, path);
      assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
      assert.match(await res.text(), message);
    }
  });

  test('a 5xx is logged with its request id and the route, never the query string', async (t) => {
    const lines: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => lines.push(args.join(' '));
    t.after(() => {
      console.error = original;
    });
    // The store loses a table under the logs route: an engine error, answered 500.
    await server.store.sql.command('RENAME TABLE logs TO logs_away');
    try {
      const r = await server.get('/api/v1/logs?q=secret-in-query');
      assert.equal(r.status, 500);
      assert.deepEqual(Object.keys(r.body).sort(), ['error', 'requestId']);
      const line = lines.find((l) => l.includes(`request=${r.body.requestId} `));
      assert.ok(line, `no log line for ${r.body.requestId}: ${lines.join('\n')}`);
      assert.match(line, /GET \/api\/v1\/logs/);
      assert.doesNotMatch(line, /secret-in-query/);
    } finally {
      await server.store.sql.command('RENAME TABLE logs_away TO logs');
    }
  });
});
