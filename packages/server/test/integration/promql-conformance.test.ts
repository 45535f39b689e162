// The same PromQL, evaluated by tracehouse and by a real Prometheus (Debian's `prometheus`) over
// the same data: Prometheus scrapes tracehouse's /metrics (the derived metrics) and an
// OpenTelemetry SDK's Prometheus exporter whose meter also exports OTLP to tracehouse. After
// the workload stops, instant values agree exactly; rates over the activity agree within
// scrape timing (samples land up to one interval apart on the two sides).
import assert from 'node:assert/strict';
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { sendShop, type Truth } from '../derivedWorkload';
import { startTestServer, type TestServer } from '../helpers';
import { freePort, startPrometheus, until } from '../support/prometheus';

type Result = { metric: Record<string, string>; value: [number, string] }[];

/** Result as label set -> value, the labels that only one side has (job, instance, scope) removed. */
function normalise(rows: Result | [number, string]): Record<string, number> {
  if (!Array.isArray(rows[0]) && typeof rows[0] === 'number') return { scalar: Number(rows[1]) };
  const out: Record<string, number> = {};
  for (const r of rows as Result) {
    const { job: _j, instance: _i, otel_scope_name: _n, otel_scope_version: _v, ...labels } = r.metric;
    out[JSON.stringify(Object.entries(labels).sort())] = Number(r.value[1]);
  }
  return out;
}

function agree(expr: string, ours: Record<string, number>, theirs: Record<string, number>, relTol: number) {
  assert.ok(Object.keys(theirs).length > 0, `${expr}: Prometheus has no result to compare with`);
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort(), `${expr}: series differ`);
  for (const [k, v] of Object.entries(theirs)) {
    const o = ours[k]!;
    if (Number.isNaN(v)) assert.ok(Number.isNaN(o), `${expr} ${k}: ${o} vs NaN`);
    else
      assert.ok(
        Math.abs(o - v) <= relTol * Math.max(Math.abs(v), 1e-12) + 1e-9,
        `${expr} ${k}: tracehouse ${o}, Prometheus ${v}`,
      );
  }
}

describe('PromQL conformance with a real Prometheus', () => {
  let server: TestServer;
  let prometheus: ChildProcess;
  let dir: string;
  let meters: MeterProvider;
  let prom: Awaited<ReturnType<typeof startPrometheus>>;
  let truth: Truth;
  let evalTime = 0;
  const routes = ['/cart', '/pay', '/search'];
  const orders: Record<string, number> = { '/cart': 0, '/pay': 0, '/search': 0 };

  const ours = async (expr: string, time: number) => {
    const res = await server.get(`/prometheus/api/v1/query?query=${encodeURIComponent(expr)}&time=${time}`);
    assert.equal(res.status, 200, `${expr}: ${JSON.stringify(res.body)}`);
    return res.body.data.result;
  };

  before(async () => {
    assert.equal(spawnSync('prometheus', ['--version']).status, 0, 'the prometheus binary is needed');
    server = await startTestServer({
      sets: ['derived.interval=1s', 'derived.lag=300ms', 'processor.interval=200ms', 'sampling.rootGrace=300ms'],
    });
    const exporterPort = await freePort();
    const exporter = new PrometheusExporter({ host: '127.0.0.1', port: exporterPort });
    meters = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'shop' }),
      readers: [
        exporter,
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({ url: `${server.urls.otlpHttp}/v1/metrics` }),
          exportIntervalMillis: 1000,
        }),
      ],
    });
    dir = mkdtempSync(join(tmpdir(), 'tracehouse-promql-'));
    const target = new URL(server.urls.api).host;
    prom = await startPrometheus(
      dir,
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: tracehouse\n    static_configs:\n      - targets: ['${target}']\n  - job_name: sdk\n    static_configs:\n      - targets: ['127.0.0.1:${exporterPort}']\n`,
    );
    prometheus = prom.child;
    await until('both targets up', async () => ((await prom.query('up == 1')).length === 2 ? true : undefined));

    const meter = meters.getMeter('shop');
    const counter = meter.createCounter('shop.orders');
    const latency = meter.createHistogram('shop.latency', {
      advice: { explicitBucketBoundaries: [0.05, 0.1, 0.5, 1] },
    });
    const active = meter.createUpDownCounter('shop.active');
    const depth = meter.createGauge('shop.queue.depth');
    for (const route of routes) counter.add(0, { route });
    await new Promise((r) => setTimeout(r, 2500));
    const shop = sendShop(server, 20);
    for (let round = 0; round < 8; round++) {
      routes.forEach((route, i) => {
        const n = (round * 7 + i * 3) % 5;
        counter.add(n, { route });
        orders[route]! += n;
        latency.record(0.02 + 0.13 * ((round + i) % 7), { route });
      });
      active.add(round % 3 === 0 ? 2 : -1);
      depth.record(10 + round);
      await new Promise((r) => setTimeout(r, 1000));
    }
    truth = await shop;
    const total = Object.values(orders).reduce((a, b) => a + b, 0);
    const both = async (expr: string, want: number) =>
      Number((await prom.query(expr))[0]?.value[1]) === want &&
      Number((await ours(expr, Date.now() / 1000))[0]?.value[1]) === want;
    await until(
      'both sides to hold every order and span',
      async () =>
        (await both('sum(shop_orders_total)', total)) &&
        (await both('sum(traces_spanmetrics_calls_total)', truth.spans))
          ? true
          : undefined,
      60_000,
    );
    // A few more scrapes and exports at the final values.
    await new Promise((r) => setTimeout(r, 3000));
    evalTime = Math.floor(Date.now() / 1000);
  });

  after(async () => {
    await meters?.shutdown();
    prometheus?.kill('SIGTERM');
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const exact = [
    'sum by (route) (shop_orders_total)',
    'sum by (le) (shop_latency_bucket)',
    'histogram_quantile(0.9, sum by (le) (shop_latency_bucket))',
    'histogram_quantile(0.5, sum by (route, le) (shop_latency_bucket))',
    'sum(shop_latency_sum) / sum(shop_latency_count)',
    'max(shop_queue_depth)',
    'sum(shop_active)',
    'topk(1, sum by (route) (shop_orders_total))',
    'count_values("n", sum by (route) (shop_orders_total))',
    'sum by (route) (shop_orders_total) > bool 10',
    'sum(rate(shop_orders_total[2s]))',
    'sum by (service) (traces_spanmetrics_calls_total)',
    'sum by (service, span_kind, status_code) (traces_spanmetrics_calls_total)',
    'sum by (le) (traces_spanmetrics_latency_bucket)',
    'histogram_quantile(0.95, sum by (le) (traces_spanmetrics_latency_bucket))',
    'histogram_quantile(0.5, sum by (service, le) (traces_spanmetrics_latency_bucket))',
    'sum by (client, server) (traces_service_graph_request_total)',
    'sum(traces_service_graph_request_failed_total)',
    'sum by (service) (traces_spanmetrics_calls_total) / on(service) group_left sum by (service) (traces_spanmetrics_latency_count)',
    'label_replace(sum by (service) (traces_spanmetrics_calls_total), "svc", "$1", "service", "(.*)")',
    'sum by (service) (traces_spanmetrics_calls_total) unless on(service) sum by (service) (traces_spanmetrics_calls_total{service="web"})',
    'max_over_time(sum(shop_orders_total)[10s:1s])',
    'sum(traces_spanmetrics_calls_total offset 1h) or vector(0)',
  ];

  for (const expr of exact)
    test(`agrees exactly: ${expr}`, async () => {
      agree(expr, normalise(await ours(expr, evalTime)), normalise(await prom.query(expr, evalTime)), 1e-12);
    });

  // Rates over the whole activity: both sides extrapolate from their own sample times, which
  // differ by up to one 1 s interval in a window of about 12 s of samples.
  const rates = [
    'sum by (route) (increase(shop_orders_total[1m]))',
    'sum(rate(shop_orders_total[1m]))',
    'histogram_quantile(0.9, sum by (le) (rate(shop_latency_bucket[1m])))',
    'sum by (service) (increase(traces_spanmetrics_calls_total[1m]))',
    'sum(rate(traces_service_graph_request_total[1m]))',
  ];
  for (const expr of rates)
    test(`agrees within scrape timing: ${expr}`, async () => {
      agree(expr, normalise(await ours(expr, evalTime)), normalise(await prom.query(expr, evalTime)), 0.15);
    });

  test('a range query over the quiet period agrees step by step', async () => {
    const expr = 'sum by (route) (shop_orders_total)';
    const url = `/prometheus/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${evalTime - 2}&end=${evalTime}&step=1`;
    const mine = (await server.get(url)).body.data.result;
    const theirs = (await (await fetch(`${prom.url}/api/v1/query_range?${url.split('?')[1]}`)).json()) as {
      data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
    };
    const byRoute = (r: { metric: Record<string, string>; values: [number, string][] }[]) =>
      Object.fromEntries(r.map((s) => [s.metric.route, s.values]));
    assert.deepEqual(byRoute(mine), byRoute(theirs.data.result));
  });
});
