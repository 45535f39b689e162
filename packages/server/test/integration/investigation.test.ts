// The query API behind the investigation views: log filters that exclude a value or read the
// resource, and a user timeline read page by page (cursor) that misses nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers';

const base = BigInt(Date.now() - 10 * 60_000) * 1_000_000n;
const at = (ms: number) => String(base + BigInt(ms) * 1_000_000n);
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

async function post(server: TestServer, path: string, body: unknown): Promise<void> {
  const res = await fetch(server.urls.otlpHttp + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.text());
}

describe('investigation API: log filters and paged user timelines', () => {
  let server: TestServer;
  const start = Number(base / 1_000_000_000n) - 60;
  const range = `start=${start}&end=${start + 3600}`;
  // u-page: 7 traces and 30 logs, interleaved; a log shares its instant with a trace start.
  const expected: string[] = [];

  before(async () => {
    server = await startTestServer();
    const spans = [];
    for (let i = 0; i < 7; i++) {
      spans.push({
        traceId: hex(i + 1, 32),
        spanId: hex(i + 1, 16),
        name: `checkout ${i}`,
        kind: 2,
        startTimeUnixNano: at(i * 10_000),
        endTimeUnixNano: at(i * 10_000 + 50),
        attributes: [str('enduser.id', 'u-page')],
      });
      expected.push(`trace:${hex(i + 1, 32)}`);
    }
    const logs = [];
    for (let i = 0; i < 30; i++) {
      // every 7th log lands on a trace's start instant (a tie across the page boundary)
      const ms = i % 7 === 0 ? (i / 7) * 10_000 : i * 2_000 + 3;
      logs.push({
        timeUnixNano: at(ms),
        severityNumber: i % 3 === 0 ? 17 : 9,
        body: { stringValue: `step ${i}` },
        attributes: [str('enduser.id', 'u-page'), str('step', String(i % 3))],
      });
      expected.push(`log:step ${i}`);
    }
    await post(server, '/v1/traces', {
      resourceSpans: [{ resource: { attributes: [str('service.name', 'shop')] }, scopeSpans: [{ spans }] }],
    });
    await post(server, '/v1/logs', {
      resourceLogs: [
        {
          resource: { attributes: [str('service.name', 'shop'), str('deployment.environment', 'prod')] },
          scopeLogs: [{ logRecords: logs }],
        },
      ],
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const t = await server.get(`/api/v1/users/u-page/timeline?${range}&limit=1000`);
      if (t.body.items?.length === expected.length) break;
      if (Date.now() > deadline) throw new Error(`seeded data not served: ${t.body.items?.length}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(() => server?.stop());

  test('a timeline read 5 items at a time is complete, in order, without repeats', async () => {
    const pages: { kind: string; timeUnixNano: string; trace?: { traceId: string }; log?: { body: string } }[][] = [];
    let cursor = '';
    for (let n = 0; n < 50; n++) {
      const r = await server.get(`/api/v1/users/u-page/timeline?${range}&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200);
      pages.push(r.body.items);
      if (!r.body.nextCursor) break;
      cursor = r.body.nextCursor;
    }
    assert.ok(pages.length >= 7, `${pages.length} pages`);
    // Pages come newest first; each page is oldest first.
    const all = pages.reverse().flat();
    const keys = all.map((i) => (i.kind === 'trace' ? `trace:${i.trace!.traceId}` : `log:${i.log!.body}`));
    assert.equal(new Set(keys).size, keys.length, 'no item twice');
    assert.deepEqual([...keys].sort(), [...expected].sort());
    const times = all.map((i) => BigInt(i.timeUnixNano));
    for (let i = 1; i < times.length; i++) assert.ok(times[i - 1]! <= times[i]!, 'oldest first across pages');
  });

  test('a bad cursor is a 400', async () => {
    const r = await server.get(`/api/v1/users/u-page/timeline?${range}&cursor=abc`);
    assert.equal(r.status, 400);
  });

  test('logs: attr key!=value filters a value out; resource.key=value reads the resource', async () => {
    const bodies = async (q: string) =>
      ((await server.get(`/api/v1/logs?${range}&limit=1000&${q}`)).body.logs as { body: string }[])
        .map((l) => l.body)
        .sort();
    const all = await bodies('service=shop');
    assert.equal(all.length, 30);
    const without0 = await bodies('service=shop&attr=step!%3D0');
    assert.equal(without0.length, 20);
    assert.ok(!without0.includes('step 0') && without0.includes('step 1'));
    assert.deepEqual(await bodies('attr=resource.deployment.environment%3Dprod'), all);
    assert.deepEqual(await bodies('attr=resource.deployment.environment%3Dstaging'), []);
    assert.equal((await server.get(`/api/v1/logs?${range}&attr=%3Dx`)).status, 400);
  });
});
