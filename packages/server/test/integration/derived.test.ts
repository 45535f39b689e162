import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cumulative } from '@tracehouse/derived';
import { parseExposition, QUICK_DERIVED_SETS, sendShop, type Truth, waitFor } from '../derivedWorkload';
import { startTestServer, type TestServer } from '../helpers';

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON documents
type Json = any;

async function scrape(server: TestServer, openMetrics: boolean) {
  const res = await fetch(`${server.urls.api}/metrics`, {
    headers: openMetrics ? { accept: 'application/openmetrics-text;version=1.0.0,text/plain;q=0.5' } : {},
  });
  return { contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

const seriesKey = (l: Record<string, string>) => JSON.stringify([l.service, l.span_name, l.span_kind, l.status_code]);

describe('derived metrics from 100% of spans (official OTel JS SDK as ground truth)', () => {
  let server: TestServer;
  let truth: Truth;
  before(async () => {
    server = await startTestServer({ sets: QUICK_DERIVED_SETS });
    truth = await sendShop(server, 60);
    // Every span is counted once the interval holding it has been computed.
    await waitFor('span metrics', async () => {
      const calls = parseExposition((await scrape(server, false)).text)
        .filter((s) => s.name === 'traces_spanmetrics_calls_total')
        .reduce((a, s) => a + s.value, 0);
      return calls === truth.spans;
    });
    await waitFor('service graph', async () => {
      const total = parseExposition((await scrape(server, false)).text)
        .filter((s) => s.name === 'traces_service_graph_request_total')
        .reduce((a, s) => a + s.value, 0);
      const expected = [...truth.edges.values()].reduce((a, e) => a + e.requests, 0);
      return total === expected;
    });
  });
  after(() => server?.stop());

  test('calls_total equals the spans sent per series (not the kept ones); buckets exact; +Inf == _count', async () => {
    const samples = parseExposition((await scrape(server, false)).text);
    const kept = [...truth.traces.values()].filter((t) => t.kept).length;
    assert.ok(kept < truth.traces.size / 2, `most traces are dropped (${kept} of ${truth.traces.size} kept)`);
    const calls = new Map(
      samples.filter((s) => s.name === 'traces_spanmetrics_calls_total').map((s) => [seriesKey(s.labels), s.value]),
    );
    assert.deepEqual(
      new Map([...calls].sort()),
      new Map([...truth.series].map(([k, v]) => [k, v.calls] as [string, number]).sort()),
    );
    for (const [key, t] of truth.series) {
      const buckets = samples
        .filter((s) => s.name === 'traces_spanmetrics_latency_bucket' && seriesKey(s.labels) === key)
        .map((s) => s.value);
      assert.deepEqual(buckets, cumulative(t.buckets), key);
      const count = samples.find((s) => s.name === 'traces_spanmetrics_latency_count' && seriesKey(s.labels) === key);
      assert.equal(count?.value, buckets.at(-1));
    }
  });

  test('the expected service-graph edges, with failed requests', async () => {
    const samples = parseExposition((await scrape(server, false)).text);
    const edgeOf = (name: string) =>
      new Map(
        samples
          .filter((s) => s.name === name)
          .map((s) => [JSON.stringify([s.labels.client, s.labels.server, s.labels.connection_type]), s.value]),
      );
    const requests = edgeOf('traces_service_graph_request_total');
    const failed = edgeOf('traces_service_graph_request_failed_total');
    for (const [k, e] of truth.edges) {
      assert.equal(requests.get(k), e.requests, `requests ${k}`);
      assert.equal(failed.get(k), e.failed, `failed ${k}`);
    }
    assert.equal(requests.size, truth.edges.size);
    const serverCount = edgeOf('traces_service_graph_request_server_seconds_count');
    assert.equal(
      serverCount.get(JSON.stringify(['web', 'api', ''])),
      truth.edges.get(JSON.stringify(['web', 'api', '']))!.requests,
    );
  });

  test('OpenMetrics carries exemplars of kept traces only, and every one opens a stored trace', async () => {
    const { contentType, text } = await scrape(server, true);
    assert.match(contentType, /^application\/openmetrics-text; version=1.0.0/);
    assert.ok(text.endsWith('# EOF\n'));
    const withExemplars = parseExposition(text).filter((s) => s.exemplar);
    // The wait loop scraped 0.0.4, which hands out no exemplars.
    assert.ok(withExemplars.length > 0, 'some exemplars');
    for (const s of withExemplars) {
      assert.ok(s.name.endsWith('_bucket'));
      const traceId = s.exemplar!.labels.trace_id!;
      assert.equal(truth.traces.get(traceId)?.kept, true, `exemplar trace ${traceId} is kept`);
      const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
      assert.ok(s.exemplar!.value <= le, 'value inside its bucket');
      const decision = await server.get(`/api/v1/traces/${traceId}/decision`);
      assert.equal(decision.body.decision, 'keep', `the sampler kept ${traceId}`);
      const res = await server.get(`/api/v1/traces/${traceId}`);
      assert.equal(res.status, 200, `trace ${traceId} resolves`);
      const spanIds = res.body.resourceSpans.flatMap((rs: Json) =>
        rs.scopeSpans.flatMap((ss: Json) => ss.spans.map((sp: Json) => sp.spanId)),
      );
      assert.ok(spanIds.includes(s.exemplar!.labels.span_id), 'the exemplar span is in the trace');
    }
    // Written once: the next scrape has none.
    assert.equal(parseExposition((await scrape(server, true)).text).filter((s) => s.exemplar).length, 0);
  });

  test('GET /api/v1/red and /api/v1/red/exemplars agree with the ground truth', async () => {
    const end = Math.ceil(Date.now() / 1000) + 1;
    const start = end - 600;
    const red = await server.get(`/api/v1/red?groupBy=span_name&spanKind=all&start=${start}&end=${end}&step=60`);
    assert.equal(red.status, 200);
    assert.equal(red.body.step, 60);
    for (const [key, t] of truth.series) {
      const [service, spanName] = JSON.parse(key) as string[];
      const errors = key.includes('STATUS_CODE_ERROR');
      if (errors) continue;
      const s = red.body.series.find((x: Json) => x.service === service && x.spanName === spanName);
      assert.ok(s, `series ${service} ${spanName}`);
      const calls = s.points.reduce((a: number, p: Json) => a + (p.rate ?? 0) * p.seconds, 0);
      const errorKey = JSON.stringify([...JSON.parse(key).slice(0, 3), 'STATUS_CODE_ERROR']);
      const expected = t.calls + (truth.series.get(errorKey)?.calls ?? 0);
      assert.ok(Math.abs(calls - expected) < 1e-6, `${service} ${spanName}: ${calls} vs ${expected}`);
    }
    const byService = await server.get(`/api/v1/red?start=${start}&end=${end}`);
    const api = byService.body.series.find((x: Json) => x.service === 'api');
    const point = api.points.find((p: Json) => p.rate > 0);
    assert.ok(point.errorRatio > 0 && point.errorRatio < 1);
    assert.ok(point.p50 > 0 && point.p50 <= point.p95 && point.p95 <= point.p99);

    const ex = await server.get(`/api/v1/red/exemplars?start=${start}&end=${end}&limit=1000`);
    assert.equal(ex.status, 200);
    assert.ok(ex.body.exemplars.length > 0);
    for (const e of ex.body.exemplars) {
      assert.equal(truth.traces.get(e.traceId)?.kept, true);
      assert.equal((await server.get(`/api/v1/traces/${e.traceId}`)).status, 200);
    }
    assert.equal((await server.get('/api/v1/red?step=banana')).status, 400);
    const openapi = await server.get('/api/v1/openapi.json');
    for (const path of ['/api/v1/red', '/api/v1/red/exemplars', '/api/v1/service-graph'])
      assert.ok(openapi.body.paths[path]?.get?.responses?.['200'], `${path} in the OpenAPI document`);
  });

  test('GET /api/v1/service-graph: nodes and edges with rates, error ratios and latencies', async () => {
    const end = Math.ceil(Date.now() / 1000) + 1;
    const g = await server.get(`/api/v1/service-graph?start=${end - 600}&end=${end}`);
    assert.equal(g.status, 200);
    const kinds = Object.fromEntries(g.body.nodes.map((n: Json) => [n.id, n.kind]));
    assert.deepEqual(kinds, {
      api: 'service',
      mailer: 'service',
      'pg-1': 'database',
      stripe: 'virtual',
      user: 'user',
      web: 'service',
      worker: 'service',
    });
    const webApi = g.body.edges.find((e: Json) => e.client === 'web' && e.server === 'api');
    const t = truth.edges.get(JSON.stringify(['web', 'api', '']))!;
    assert.equal(webApi.requests, t.requests);
    assert.equal(webApi.failed, t.failed);
    assert.ok(Math.abs(webApi.errorRatio - t.failed / t.requests) < 1e-12);
    assert.ok(webApi.serverP50 > 0 && webApi.clientP95 >= webApi.clientP50);
  });

  test('counters never decrease across a restart', async () => {
    const before = parseExposition((await scrape(server, false)).text).filter((s) => s.name.startsWith('traces_'));
    await server.stop({ keepData: true });
    server = await startTestServer({ dataDir: server.dataDir, sets: QUICK_DERIVED_SETS });
    const afterRestart = new Map(
      parseExposition((await scrape(server, false)).text)
        .filter((s) => s.name.startsWith('traces_'))
        .map((s) => [s.name + JSON.stringify(s.labels), s.value]),
    );
    for (const s of before) assert.equal(afterRestart.get(s.name + JSON.stringify(s.labels)), s.value, s.name);
  });
});
