// A contract violation's first-seen time survives a restart: after the data that first showed it
// has left the report's window, a new occurrence must not make an old violation look new (an
// alert on a new violation would page again).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers';

const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-contract-restart-'));
let server: TestServer | undefined;
after(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const start = () => startTestServer({ dataDir, sets: ['contract.window=2s'] });

/** One span from a service without service.version (breaks required-resource-attributes). */
async function sendUnversionedSpan(s: TestServer): Promise<void> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'unversioned' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: crypto.randomUUID().replaceAll('-', ''),
                spanId: crypto.randomUUID().replaceAll('-', '').slice(0, 16),
                name: 'work',
                kind: 1,
                startTimeUnixNano: String(now - 1_000_000n),
                endTimeUnixNano: String(now),
              },
            ],
          },
        ],
      },
    ],
  };
  const res = await fetch(`${s.urls.otlpHttp}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
}

async function missingVersion(s: TestServer): Promise<{ firstSeen: string; lastSeen: string }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const res = await s.get('/api/v1/contract');
    const violations = res.body.services?.find((x: { service: string }) => x.service === 'unversioned')?.violations;
    const found = violations?.find((v: { detail: string }) => v.detail.includes('service.version'));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the missing service.version was never reported');
}

test('a violation keeps its first-seen time across a restart', async () => {
  server = await start();
  await sendUnversionedSpan(server);
  const before = await missingVersion(server);
  await server.stop({ keepData: true });
  server = undefined;

  // Past the 2 s window: the first span is no longer in the report's data.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  server = await start();
  await sendUnversionedSpan(server);
  const afterRestart = await missingVersion(server);
  assert.ok(BigInt(afterRestart.lastSeen) > BigInt(before.lastSeen), 'the report sees the new occurrence');
  assert.equal(afterRestart.firstSeen, before.firstSeen, 'first seen is the first occurrence, before the restart');
});
