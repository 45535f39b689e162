// A real Prometheus (Debian's `prometheus`, exemplar storage on) scrapes tracehouse: the
// RED and service-graph PromQL of Tempo's docs agree with the ground truth, and every
// exemplar Prometheus stored opens a trace tracehouse serves.
import assert from 'node:assert/strict';
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { quantile } from '@tracehouse/derived';
import { sendShop, type Truth } from '../derivedWorkload';
import { startTestServer, type TestServer } from '../helpers';
import { startPrometheus, until } from '../support/prometheus';

async function exemplarTraceIds(promUrl: string, metric: string): Promise<string[]> {
  const end = Date.now() / 1000 + 5;
  const res = (await (
    await fetch(`${promUrl}/api/v1/query_exemplars?query=${encodeURIComponent(metric)}&start=${end - 600}&end=${end}`)
  ).json()) as { data: { exemplars: { labels: Record<string, string> }[] }[] };
  return res.data.flatMap((s) => s.exemplars.map((e) => e.labels.trace_id!));
}

describe('Prometheus scrapes tracehouse', () => {
  let server: TestServer;
  let prometheus: ChildProcess;
  let promUrl: string;
  let dir: string;
  let truth: Truth;
  let stderr: () => string;
  let query: Awaited<ReturnType<typeof startPrometheus>>['query'];
  const byLabel = (rows: { metric: Record<string, string>; value: [number, string] }[], label: string) =>
    Object.fromEntries(rows.map((r) => [r.metric[label], Number(r.value[1])]));

  before(async () => {
    assert.equal(
      spawnSync('prometheus', ['--version']).status,
      0,
      'the prometheus binary is needed (apt-get install -y prometheus; .ci/run does it)',
    );
    server = await startTestServer({
      sets: [
        'derived.interval=1s',
        'derived.lag=300ms',
        'processor.interval=200ms',
        'sampling.rootGrace=300ms',
        'sampling.decisionWait=2s',
      ],
    });
    dir = mkdtempSync(join(tmpdir(), 'tracehouse-prom-'));
    const target = new URL(server.urls.api).host;
    const prom = await startPrometheus(
      dir,
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: tracehouse\n    static_configs:\n      - targets: ['${target}']\n`,
    );
    prometheus = prom.child;
    promUrl = prom.url;
    query = prom.query;
    stderr = prom.stderr;
    await until('a first scrape', async () => ((await query('up == 1')).length ? true : undefined));
    truth = await sendShop(server, 40);
    const edges = [...truth.edges.values()].reduce((a, e) => a + e.requests, 0);
    await until('Prometheus to see every span and edge', async () => {
      const [calls] = await query('sum(traces_spanmetrics_calls_total)');
      const [requests] = await query('sum(traces_service_graph_request_total)');
      return Number(calls?.value[1]) === truth.spans && Number(requests?.value[1]) === edges ? true : undefined;
    });
    // Two more scrapes so rate() has points after the last increment.
    await new Promise((r) => setTimeout(r, 2500));
  });
  after(async () => {
    prometheus?.kill('SIGTERM');
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the scrape is healthy (OpenMetrics negotiated)', async () => {
    const res = (await (await fetch(`${promUrl}/api/v1/targets`)).json()) as {
      data: { activeTargets: { health: string; lastError: string }[] };
    };
    const [t] = res.data.activeTargets;
    assert.equal(t!.health, 'up', `${t!.lastError}\n${stderr()}`);
  });

  test('counters equal the spans sent, per service and kind', async () => {
    const expected: Record<string, number> = {};
    for (const [key, s] of truth.series) {
      const [service, , kind] = JSON.parse(key) as string[];
      if (kind === 'SPAN_KIND_SERVER') expected[service!] = (expected[service!] ?? 0) + s.calls;
    }
    const rows = await query('sum by (service) (traces_spanmetrics_calls_total{span_kind="SPAN_KIND_SERVER"})');
    assert.deepEqual(byLabel(rows, 'service'), expected);
  });

  /**
   * Evaluated at the last scrape's timestamp, rate() needs no extrapolation at the end, and
   * none at the start either since every series was first scraped at 0: rate x 300 s is
   * exactly the spans counted, so the reference queries can be compared with the truth
   * exactly instead of within a tolerance.
   */
  const lastScrape = async () => Number((await query('max(timestamp(traces_spanmetrics_calls_total))'))[0].value[1]);
  const close = (a: number, b: number, what: string) =>
    assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

  test("the reference notes' RED queries agree with the ground truth", async () => {
    const t = await lastScrape();
    const serverSeries = [...truth.series].filter(([k]) => k.includes('SPAN_KIND_SERVER'));
    const sum = (service: string, pick: (k: string, s: { calls: number }) => number) =>
      serverSeries.filter(([k]) => JSON.parse(k)[0] === service).reduce((a, [k, s]) => a + pick(k, s), 0);

    const rates = byLabel(
      await query('sum by (service) (rate(traces_spanmetrics_calls_total{span_kind="SPAN_KIND_SERVER"}[5m]))', t),
      'service',
    );
    for (const service of ['web', 'api'])
      close(
        rates[service]! * 300,
        sum(service, (_, s) => s.calls),
        `rate of ${service}`,
      );

    const ratio = byLabel(
      await query(
        'sum by (service) (rate(traces_spanmetrics_calls_total{span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_ERROR"}[5m])) / sum by (service) (rate(traces_spanmetrics_calls_total{span_kind="SPAN_KIND_SERVER"}[5m]))',
        t,
      ),
      'service',
    );
    const truthRatio = sum('api', (k, s) => (k.includes('ERROR') ? s.calls : 0)) / sum('api', (_, s) => s.calls);
    close(ratio.api!, truthRatio, 'error ratio of api');

    const p99 = byLabel(
      await query(
        'histogram_quantile(0.99, sum by (service, le) (rate(traces_spanmetrics_latency_bucket{span_kind="SPAN_KIND_SERVER"}[5m])))',
        t,
      ),
      'service',
    );
    const buckets = serverSeries
      .filter(([k]) => JSON.parse(k)[0] === 'api')
      .reduce((acc, [, s]) => acc.map((b, i) => b + s.buckets[i]!), new Array<number>(15).fill(0));
    const truthP99 = quantile(0.99, buckets)!;
    close(p99.api!, truthP99, 'p99 of api');

    const mean = byLabel(
      await query(
        'sum by (service) (rate(traces_spanmetrics_latency_sum[5m])) / sum by (service) (rate(traces_spanmetrics_latency_count[5m]))',
        t,
      ),
      'service',
    );
    assert.ok(mean.api! > 0);
  });

  test('the service-graph queries show the expected edges', async () => {
    const rows = await query('sum by (client, server, connection_type) (traces_service_graph_request_total)');
    const got = new Map(
      rows.map((r) => [
        JSON.stringify([r.metric.client, r.metric.server, r.metric.connection_type ?? '']),
        Number(r.value[1]),
      ]),
    );
    assert.deepEqual(
      new Map([...got].sort()),
      new Map([...truth.edges].map(([k, e]) => [k, e.requests] as [string, number]).sort()),
    );
    const failed = await query(
      'sum by (client, server) (rate(traces_service_graph_request_failed_total[5m])) / sum by (client, server) (rate(traces_service_graph_request_total[5m]))',
      await lastScrape(),
    );
    const webApi = failed.find((r) => r.metric.client === 'web' && r.metric.server === 'api');
    const t = truth.edges.get(JSON.stringify(['web', 'api', '']))!;
    close(Number(webApi.value[1]), t.failed / t.requests, 'failed ratio web -> api');
    const p90 = await query(
      'histogram_quantile(.9, sum(rate(traces_service_graph_request_server_seconds_bucket{client="web"}[5m])) by (server, le))',
    );
    assert.ok(Number(p90[0].value[1]) > 0);
  });

  test('query_exemplars returns trace ids that tracehouse serves (all of them)', async () => {
    const exemplars = await exemplarTraceIds(promUrl, 'traces_spanmetrics_latency_bucket');
    assert.ok(exemplars.length > 0, 'Prometheus stored exemplars');
    for (const traceId of exemplars) {
      assert.equal(truth.traces.get(traceId)?.kept, true, `exemplar ${traceId} is of a kept trace`);
      assert.equal((await server.get(`/api/v1/traces/${traceId}`)).status, 200, `trace ${traceId} resolves`);
    }
  });
});

describe('remote write to Prometheus (derived.remoteWriteUrl)', () => {
  let server: TestServer;
  let prom: Awaited<ReturnType<typeof startPrometheus>>;
  let dir: string;

  after(async () => {
    prom?.child.kill('SIGTERM');
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('pushed counters equal the spans sent, and pushed exemplars open stored traces', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracehouse-prom-rw-'));
    prom = await startPrometheus(dir, 'global:\n  evaluation_interval: 1s\n', ['--web.enable-remote-write-receiver']);
    server = await startTestServer({
      sets: [
        'derived.interval=1s',
        'derived.lag=300ms',
        'processor.interval=200ms',
        'sampling.rootGrace=300ms',
        'sampling.decisionWait=2s',
        `derived.remoteWriteUrl=${prom.url}/api/v1/write`,
      ],
    });
    const truth = await sendShop(server, 20);
    const edges = [...truth.edges.values()].reduce((a, e) => a + e.requests, 0);
    await until('pushed span metrics and edges', async () => {
      const [calls] = await prom.query('sum(traces_spanmetrics_calls_total)');
      const [requests] = await prom.query('sum(traces_service_graph_request_total)');
      return Number(calls?.value[1]) === truth.spans && Number(requests?.value[1]) === edges ? true : undefined;
    });
    const rows = await prom.query('sum by (client, server) (traces_service_graph_request_total)');
    assert.ok(rows.some((r) => r.metric.client === 'web' && r.metric.server === 'api'));
    const traceIds = await until('pushed exemplars', async () => {
      const ids = await exemplarTraceIds(prom.url, 'traces_spanmetrics_latency_bucket');
      return ids.length ? ids : undefined;
    });
    for (const traceId of traceIds) {
      assert.equal(truth.traces.get(traceId)?.kept, true);
      assert.equal((await server.get(`/api/v1/traces/${traceId}`)).status, 200);
    }
  });
});
