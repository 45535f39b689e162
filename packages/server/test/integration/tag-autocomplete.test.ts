// Autocomplete is fed from memory, off the insert path (store/src/search/tagRollup.ts): values
// sent through OTLP reach the rollup table at its timer, show in the tag routes, and survive a
// graceful restart (close inserts what is left).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTestServer, type TestServer } from '../helpers';

const dataDir = mkdtempSync(join(tmpdir(), 'tracehouse-tags-'));
let server: TestServer | undefined;
after(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Spans of `tags-shop` with `order.tier = tier`, through the official OTLP/HTTP protobuf exporter. */
async function sendOrders(s: TestServer, tier: string, count: number): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'tags-shop' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${s.urls.otlpHttp}/v1/traces` }))],
  });
  const tracer = provider.getTracer('orders');
  for (let i = 0; i < count; i++) tracer.startSpan('place order', { attributes: { 'order.tier': tier } }).end();
  await provider.forceFlush();
  await provider.shutdown();
}

/** The rollup table's counts of `order.tier`, read directly (a tag route would insert the counts first). */
async function storedTiers(s: TestServer): Promise<Record<string, number>> {
  const rows = await s.store.sql.query<{ Value: string; Count: string }>(
    `SELECT Value, toString(sum(Count)) AS Count FROM search_tag_values WHERE Key = 'order.tier' GROUP BY Value`,
  );
  return Object.fromEntries(rows.map((r) => [r.Value, Number(r.Count)]));
}

async function tierValues(s: TestServer, route: string): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  const res = await s.get(`${route}?start=${now - 3600}&end=${now + 60}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.tagValues.map((v: { value: string }) => v.value).sort();
}

test('values sent through OTLP reach autocomplete at the flush interval and after a restart', async () => {
  server = await startTestServer({ dataDir });
  await sendOrders(server, 'gold', 3);
  // No tag read yet: the rollup's own timer (every 5 s) inserts the counts.
  const deadline = Date.now() + 20_000;
  let tiers = await storedTiers(server);
  while (!tiers.gold && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    tiers = await storedTiers(server);
  }
  assert.deepEqual(tiers, { gold: 3 }, 'every span counted once (search.tagSampleRate=1)');
  assert.deepEqual(await tierValues(server, '/api/v1/search/tag/span.order.tier/values'), ['gold']);

  // Counts still in memory at a graceful stop are inserted by close.
  await sendOrders(server, 'platinum', 2);
  await server.stop({ keepData: true });
  server = await startTestServer({ dataDir });
  assert.deepEqual(await storedTiers(server), { gold: 3, platinum: 2 });
  assert.deepEqual(await tierValues(server, '/api/v1/search/tag/span.order.tier/values'), ['gold', 'platinum']);
  assert.deepEqual(await tierValues(server, '/tempo/api/v2/search/tag/span.order.tier/values'), ['gold', 'platinum']);
});
