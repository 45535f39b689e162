// PromQL range results kept between requests: a refreshed dashboard query is answered from the
// kept steps, and OTLP points that arrive late, for times already kept, are seen at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers';

const STEP_S = 60;
const NOW_S = Math.floor(Date.now() / 1000 / STEP_S) * STEP_S;
const ns = (s: number) => `${BigInt(s) * 1_000_000_000n}`;

/** A cumulative counter of `instance` rising 1 a second, a point every 15 s in [fromS, toS]. */
function counter(instance: string, fromS: number, toS: number) {
  const points = [];
  for (let t = fromS; t <= toS; t += 15)
    points.push({ startTimeUnixNano: ns(fromS - 15), timeUnixNano: ns(t), asInt: String(t - fromS + 15) });
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'worker' } },
            { key: 'service.instance.id', value: { stringValue: instance } },
          ],
        },
        scopeMetrics: [
          {
            scope: { name: 'test' },
            metrics: [{ name: 'jobs', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: points } }],
          },
        ],
      },
    ],
  };
}

describe('PromQL range results kept between requests', () => {
  let server: TestServer;
  const post = async (body: unknown) => {
    const res = await fetch(`${server.urls.otlpHttp}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, await res.text());
  };
  const range = async () => {
    const expr = 'sum(rate(jobs_total[5m]))';
    const r = await server.get(
      `/prometheus/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${NOW_S - 30 * 60}&end=${NOW_S}&step=${STEP_S}`,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const [series] = (r.body as { data: { result: { values: [number, string][] }[] } }).data.result;
    return new Map(series!.values.map(([t, v]) => [t, Number(v)]));
  };
  const cacheCounter = async (name: string) => {
    const text = String((await server.get('/metrics')).body);
    const line = text.split('\n').find((l) => l.startsWith(`${name}{cache="promql_results"}`));
    return Number(line?.split(' ')[1] ?? Number.NaN);
  };

  before(async () => {
    server = await startTestServer({ sets: ['derived.enabled=false', 'promql.resultsCacheFreshness=5m'] });
    await post(counter('a', NOW_S - 40 * 60, NOW_S - 60));
  });
  after(() => server?.stop());

  test('a refresh is answered from the kept steps, with the same values', async () => {
    const first = await range();
    assert.equal(await cacheCounter('tracehouse_query_cache_misses_total'), 1);
    // One counter rising 1/s: a rate of 1 at every step whose window it covers.
    for (const [t, v] of first) if (t <= NOW_S - 60) assert.ok(Math.abs(v - 1) < 1e-9, `${t}: ${v}`);
    assert.deepEqual(await range(), first);
    assert.equal(await cacheCounter('tracehouse_query_cache_hits_total'), 1);
  });

  test('points arriving late, for kept times, are in the next answer', async () => {
    await range();
    // A second instance's points from 20 minutes ago: steps already kept now count it too.
    await post(counter('b', NOW_S - 20 * 60, NOW_S - 60));
    const after = await range();
    for (const [t, v] of after) {
      const expected = t >= NOW_S - 15 * 60 && t <= NOW_S - 60 ? 2 : t <= NOW_S - 21 * 60 ? 1 : undefined;
      if (expected !== undefined) assert.ok(Math.abs(v - expected) < 1e-9, `${t - NOW_S} s: ${v}, not ${expected}`);
    }
  });
});
