// The Prometheus HTTP API under /prometheus: OTLP metrics named and labelled as Prometheus's
// OTLP receiver does, delta temporality accumulated, the derived metrics, Prometheus's
// response shapes and errors, exemplars that open kept traces, auth and tenant scoping.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LATENCY_BOUNDS_SECONDS } from '@tracehouse/derived';
import { Engine, type QueryResult, type SeriesSource } from '@tracehouse/promql';
import { tenantSource } from '../../src/api/prometheus/source';
import { startTestServer, type TestServer } from '../helpers';
import { ADMIN_TOKEN, call, createToken } from '../support/auth';
import { otlpExporters } from '../support/otlp';

const SETS = [
  'derived.interval=1s',
  'derived.lag=300ms',
  'processor.interval=200ms',
  'sampling.rootGrace=300ms',
  'sampling.decisionWait=1s',
];

const T0 = Math.floor(Date.now() / 1000) - 120;
const ns = (s: number) => `${BigInt(s) * 1_000_000_000n}`;
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });

/** One export of every metric type, at T0, T0+15 s and T0+30 s, values scaled by `k` per tenant. */
function payload(tenant: string, k: number) {
  const times = [0, 15, 30].map((d) => T0 + d);
  const attrs = [str('http.route', '/cart'), str('2xx', 'yes')];
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            str('service.name', 'shop'),
            str('service.namespace', tenant),
            str('service.instance.id', 'i-1'),
          ],
        },
        scopeMetrics: [
          {
            scope: { name: 'test' },
            metrics: [
              {
                name: 'orders',
                unit: '{order}',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: [5, 3, 2].map((v, i) => ({
                    attributes: attrs,
                    startTimeUnixNano: ns(i === 0 ? times[0]! - 15 : times[i - 1]!),
                    timeUnixNano: ns(times[i]!),
                    asInt: String(v * k),
                  })),
                },
              },
              {
                name: 'memory.usage',
                unit: 'By',
                gauge: { dataPoints: times.map((t, i) => ({ timeUnixNano: ns(t), asDouble: 1024 * (i + 1) * k })) },
              },
              {
                name: 'cpu.utilization',
                unit: '1',
                gauge: { dataPoints: [{ timeUnixNano: ns(times[2]!), asDouble: 0.25 }] },
              },
              {
                name: 'http.server.request.duration',
                unit: 's',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: times.map((t, i) => ({
                    attributes: attrs,
                    startTimeUnixNano: ns(T0 - 60),
                    timeUnixNano: ns(t),
                    count: String(4 * (i + 1)),
                    sum: 1.2 * (i + 1),
                    bucketCounts: [1, 2, 1].map((c) => String(c * (i + 1))),
                    explicitBounds: [0.1, 0.5],
                  })),
                },
              },
              {
                name: 'rpc.latency',
                unit: 's',
                summary: {
                  dataPoints: [
                    {
                      timeUnixNano: ns(times[2]!),
                      count: '10',
                      sum: 2.5,
                      quantileValues: [
                        { quantile: 0.5, value: 0.2 },
                        { quantile: 0.99, value: 0.9 },
                      ],
                    },
                  ],
                },
              },
              {
                name: 'payload.size',
                unit: 'By',
                exponentialHistogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      timeUnixNano: ns(times[2]!),
                      count: '3',
                      sum: 300,
                      scale: 0,
                      zeroCount: '0',
                      positive: { offset: 5, bucketCounts: ['1', '2'] },
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
      // Two resources that differ only in what Prometheus drops (host.name): one series.
      ...[1, 10].map((m, h) => ({
        resource: {
          attributes: [
            str('service.name', 'shop'),
            str('service.namespace', tenant),
            str('service.instance.id', 'i-1'),
            str('host.name', `h${h}`),
          ],
        },
        scopeMetrics: [
          {
            scope: { name: 'test' },
            metrics: [
              {
                name: 'shipments',
                unit: '',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: [1, 2, 3].map((v, i) => ({
                    attributes: attrs,
                    startTimeUnixNano: ns(i === 0 ? times[0]! - 15 : times[i - 1]!),
                    timeUnixNano: ns(times[i]!),
                    asInt: String(v * m * k),
                  })),
                },
              },
            ],
          },
        ],
      })),
    ],
  };
}

describe('Prometheus query API', () => {
  let server: TestServer;
  const viewer: Record<string, string> = {};
  let errorTraceId = '';
  const q = (tenant: string, path: string) =>
    call(server, 'GET', `/prometheus/api/v1/${path}`, { token: viewer[tenant] });
  const query = async (tenant: string, expr: string, time = T0 + 30) => {
    const r = await q(tenant, `query?query=${encodeURIComponent(expr)}&time=${time}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.data;
  };

  before(async () => {
    server = await startTestServer({ auth: true, sets: [`auth.adminToken=${ADMIN_TOKEN}`, ...SETS] });
    for (const [tenant, k] of [
      ['acme', 1],
      ['globex', 100],
    ] as const) {
      const ingest = (await createToken(server, { name: `${tenant}-ingest`, tenant, kind: 'ingest' })).secret;
      viewer[tenant] = (
        await createToken(server, { name: `${tenant}-viewer`, tenant, kind: 'api', role: 'viewer' })
      ).secret;
      const res = await fetch(`${server.urls.otlpHttp}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest}` },
        body: JSON.stringify(payload(tenant, k)),
      });
      assert.equal(res.status, 200, await res.text());
      if (tenant === 'acme') {
        // Spans for the derived metrics: an error trace is kept, so its exemplar opens it.
        const ex = otlpExporters(server, 'http/protobuf', { token: ingest });
        const tracer = new BasicTracerProvider({
          resource: resourceFromAttributes({ 'service.name': 'checkout' }),
          spanProcessors: [new SimpleSpanProcessor(ex.traces)],
        });
        const t = tracer.getTracer('t');
        for (let i = 0; i < 3; i++) {
          const span = t.startSpan('POST /pay', { kind: SpanKind.SERVER });
          if (i === 0) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            errorTraceId = span.spanContext().traceId;
          }
          span.end();
        }
        await tracer.forceFlush();
        await tracer.shutdown();
      }
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await q('acme', `query?query=${encodeURIComponent('sum(traces_spanmetrics_calls_total)')}`);
      if (r.body.data?.result?.[0]?.value[1] === '3') break;
      if (Date.now() > deadline) throw new Error(`derived metrics did not arrive: ${JSON.stringify(r.body)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  after(async () => {
    await server?.stop();
  });

  test('OTLP metrics get the names and labels of Prometheus OTLP receiver', async () => {
    const r = await q('acme', `label/__name__/values?start=${T0 - 60}&end=${T0 + 60}`);
    assert.equal(r.status, 200);
    for (const name of [
      'orders_total',
      'memory_usage_bytes',
      'cpu_utilization_ratio',
      'http_server_request_duration_seconds_bucket',
      'http_server_request_duration_seconds_sum',
      'http_server_request_duration_seconds_count',
      'rpc_latency_seconds',
      'rpc_latency_seconds_sum',
      'rpc_latency_seconds_count',
      'payload_size_bytes_count',
      'payload_size_bytes_sum',
    ])
      assert.ok(r.body.data.includes(name), `${name} missing from ${r.body.data}`);
    const [series] = (await query('acme', 'orders_total')).result;
    assert.deepEqual(series.metric, {
      __name__: 'orders_total',
      http_route: '/cart',
      instance: 'i-1',
      job: 'acme/shop',
      key_2xx: 'yes',
    });
  });

  test('delta temporality is summed into a counter; rate() extrapolates as Prometheus', async () => {
    assert.equal((await query('acme', 'orders_total')).result[0].value[1], '10');
    assert.equal((await query('acme', 'orders_total', T0 + 15)).result[0].value[1], '8');
    // 5 -> 10 over 30 s, 7.5 s extrapolated at the start (the series starts in the window): 5 x 37.5/30.
    assert.equal((await query('acme', 'increase(orders_total[1m])')).result[0].value[1], '6.25');
    // Two stored series with the same Prometheus labels are one counter: (1 + 2 + 3) x (1 + 10).
    const shipments = (await query('acme', 'shipments_total', T0 + 30)).result;
    assert.deepEqual(
      shipments.map((r: { value: string[] }) => r.value[1]),
      ['66'],
    );
  });

  test('histograms, summaries and exponential histograms', async () => {
    const buckets = (await query('acme', 'http_server_request_duration_seconds_bucket')).result;
    assert.deepEqual(
      Object.fromEntries(buckets.map((b: { metric: { le: string }; value: string[] }) => [b.metric.le, b.value[1]])),
      { '0.1': '3', '0.5': '9', '+Inf': '12' },
    );
    // rank 6 of 12 in (0.1, 0.5], which holds 6 from 3: 0.1 + 0.4 x 3/6.
    const [p50] = (await query('acme', 'histogram_quantile(0.5, http_server_request_duration_seconds_bucket)')).result;
    assert.equal(Number(p50.value[1]).toFixed(6), '0.300000');
    const quantiles = (await query('acme', 'rpc_latency_seconds')).result;
    assert.deepEqual(
      quantiles.map((s: { metric: { quantile: string }; value: string[] }) => [s.metric.quantile, s.value[1]]),
      [
        ['0.5', '0.2'],
        ['0.99', '0.9'],
      ],
    );
    assert.equal((await query('acme', 'payload_size_bytes_count')).result[0].value[1], '3');
    assert.equal((await query('acme', 'cpu_utilization_ratio')).result[0].value[1], '0.25');
  });

  test('each tenant reads only its own series', async () => {
    assert.equal((await query('globex', 'orders_total')).result[0].value[1], '1000');
    assert.equal((await query('globex', 'traces_spanmetrics_calls_total')).result.length, 0);
    const jobs = (await q('acme', `label/job/values?start=${T0 - 60}&end=${T0 + 60}`)).body.data;
    assert.deepEqual(jobs, ['acme/shop']);
  });

  test('derived metrics: counters per Tempo label set', async () => {
    const r = await query(
      'acme',
      'sum by (service, span_kind, status_code) (traces_spanmetrics_calls_total)',
      Math.floor(Date.now() / 1000),
    );
    assert.deepEqual(
      r.result.map((s: { metric: Record<string, string>; value: string[] }) => [s.metric, s.value[1]]),
      [
        [{ service: 'checkout', span_kind: 'SPAN_KIND_SERVER', status_code: 'STATUS_CODE_ERROR' }, '1'],
        [{ service: 'checkout', span_kind: 'SPAN_KIND_SERVER', status_code: 'STATUS_CODE_UNSET' }, '2'],
      ],
    );
  });

  test('query_range: a matrix of [seconds, "value"] pairs at each step (Grafana)', async () => {
    const r = await q('acme', `query_range?query=memory_usage_bytes&start=${T0}&end=${T0 + 30}&step=15s`);
    assert.equal(r.status, 200);
    assert.equal(r.body.data.resultType, 'matrix');
    assert.deepEqual(r.body.data.result[0].values, [
      [T0, '1024'],
      [T0 + 15, '2048'],
      [T0 + 30, '3072'],
    ]);
    // RFC 3339 times and a float step are read as Prometheus reads them.
    const iso = new Date(T0 * 1000).toISOString();
    const r2 = await q('acme', `query_range?query=memory_usage_bytes&start=${iso}&end=${T0 + 30}&step=15.0`);
    assert.deepEqual(r2.body.data.result[0].values.length, 3);
  });

  test('identical queries in flight are evaluated once and answered alike (a dashboard repeating a panel)', async () => {
    const coalesced = async () => {
      const r = await call(server, 'GET', '/metrics', { token: ADMIN_TOKEN });
      return Number(/tracehouse_query_cache_coalesced_total\{cache="promql"\} (\S+)/.exec(String(r.body))?.[1]);
    };
    const before = await coalesced();
    const path = `query_range?query=${encodeURIComponent('sum by (job) (rate(orders_total[1m]))')}&start=${T0}&end=${T0 + 60}&step=15`;
    const replies = await Promise.all(Array.from({ length: 4 }, () => q('acme', path)));
    for (const r of replies) assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(replies[0]!.body.data.result.length > 0);
    for (const r of replies.slice(1)) assert.deepEqual(r.body, replies[0]!.body);
    // Sent together, they overlap (how many depends on when each arrives): at least one shared an evaluation.
    const shared = (await coalesced()) - before;
    assert.ok(shared >= 1 && shared <= 3, `${shared} of 4 shared an evaluation`);
    // Another tenant's identical query is its own evaluation, with its own series.
    const other = await q('globex', path);
    assert.notDeepEqual(other.body.data.result, replies[0]!.body.data.result);
    assert.equal((await coalesced()) - before, shared);
  });

  test('POST form bodies work as in Prometheus', async () => {
    const res = await fetch(`${server.urls.api}/prometheus/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${viewer.acme}` },
      body: new URLSearchParams({ query: 'memory_usage_bytes', time: String(T0 + 16) }),
    });
    const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    assert.equal(body.data.result[0]!.value[1], '2048');
  });

  test('series and labels with match[]', async () => {
    const r = await q(
      'acme',
      `series?match[]=${encodeURIComponent('{__name__=~"http_server.*_bucket",le="+Inf"}')}&match[]=cpu_utilization_ratio&start=${T0 - 60}&end=${T0 + 60}`,
    );
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.data.map((s: Record<string, string>) => s.__name__),
      ['cpu_utilization_ratio', 'http_server_request_duration_seconds_bucket'],
    );
    const labels = await q('acme', `labels?match[]=orders_total&start=${T0 - 60}&end=${T0 + 60}`);
    assert.deepEqual(labels.body.data, ['__name__', 'http_route', 'instance', 'job', 'key_2xx']);
    assert.equal((await q('acme', 'series')).status, 400);
  });

  test("errors have Prometheus's types and status codes", async () => {
    const bad = await q('acme', `query?query=${encodeURIComponent('sum(rate(x[5m])')}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.status, 'error');
    assert.equal(bad.body.errorType, 'bad_data');
    assert.equal((await q('acme', 'query_range?query=up&start=10&end=20')).body.errorType, 'bad_data');
    assert.equal((await q('acme', 'query?query=up&time=yesterday')).status, 400);
    const unsupported = await q('acme', `query?query=${encodeURIComponent('histogram_count(x)')}`);
    assert.match(unsupported.body.error, /histogram_count/);
    const ambiguous = await q(
      'acme',
      `query?time=${T0 + 30}&query=${encodeURIComponent('http_server_request_duration_seconds_bucket + on(job) orders_total')}`,
    );
    assert.equal(ambiguous.status, 422);
    assert.equal(ambiguous.body.errorType, 'execution');
    // A wrong URL gets Prometheus's error shape, not the web UI's index.html.
    for (const path of ['nonexistent', 'query/extra', 'status/tsdb']) {
      const unknown = await q('acme', path);
      assert.equal(unknown.status, 404, path);
      assert.deepEqual([unknown.body.status, unknown.body.errorType], ['error', 'not_found'], path);
    }
  });

  test('query_exemplars: derived exemplars open the kept trace', async () => {
    const now = Math.floor(Date.now() / 1000);
    const r = await q(
      'acme',
      `query_exemplars?query=${encodeURIComponent('histogram_quantile(0.9, sum by (le) (rate(traces_spanmetrics_latency_bucket[5m])))')}&start=${now - 600}&end=${now + 5}`,
    );
    assert.equal(r.status, 200);
    const exemplars = r.body.data.flatMap((s: { exemplars: { labels: { trace_id: string } }[] }) => s.exemplars);
    assert.ok(exemplars.length > 0, JSON.stringify(r.body));
    assert.ok(r.body.data.every((s: { seriesLabels: { le?: string } }) => s.seriesLabels.le !== undefined));
    const ids = exemplars.map((e: { labels: { trace_id: string } }) => e.labels.trace_id);
    assert.ok(ids.includes(errorTraceId), `${ids} lacks ${errorTraceId}`);
    const trace = await call(server, 'GET', `/api/v1/traces/${errorTraceId}`, { token: viewer.acme });
    assert.equal(trace.status, 200);
  });

  test('metadata and buildinfo', async () => {
    const meta = (await q('acme', `metadata?start=${T0 - 60}&end=${T0 + 60}`)).body.data;
    assert.deepEqual(meta.orders_total, [{ type: 'counter', help: '', unit: '{order}' }]);
    assert.equal(meta.http_server_request_duration_seconds[0].type, 'histogram');
    const recent = (await q('acme', 'metadata')).body.data;
    assert.equal(recent.traces_spanmetrics_latency[0].type, 'histogram');
    const info = (await q('acme', 'status/buildinfo')).body;
    assert.equal(info.status, 'success');
    assert.match(info.data.version, /^\d+\.\d+\.\d+$/);
  });

  test('sum(rate()) in one pass over the series equals the step-by-step evaluation', async () => {
    const store = server.store.prometheus({ derivedBoundsSeconds: LATENCY_BOUNDS_SECONDS, derivedStaleMs: 900_000 });
    const source = tenantSource(store, 'acme', Date.now, 60_000);
    const onePass = new Engine({ source });
    const stepByStep = new Engine({ source, onePass: false });
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, number, number, number][] = [
      ['sum by (job) (rate(orders_total[1m]))', T0 - 30, T0 + 90, 15],
      ['sum(increase(orders_total[30s] offset 15s))', T0, T0 + 60, 5],
      ['sum by (job) (increase(shipments_total[30s]))', T0 - 15, T0 + 60, 15],
      ['sum by (le) (rate(http_server_request_duration_seconds_bucket[45s]))', T0, T0 + 60, 15],
      ['histogram_quantile(0.9, sum by (le) (rate(http_server_request_duration_seconds_bucket[1m])))', T0, T0 + 45, 15],
      ['sum without (instance) (increase(http_server_request_duration_seconds_count[1m]))', T0 - 60, T0 + 60, 30],
      ['sum by (service, status_code) (increase(traces_spanmetrics_calls_total[10s]))', now - 30, now, 1],
      ['sum(rate(traces_spanmetrics_latency_bucket[5s]))', now - 20, now, 2],
      ['histogram_quantile(0.5, sum by (le) (rate(traces_spanmetrics_latency_bucket[1m])))', now - 60, now, 10],
    ];
    for (const [expr, start, end, step] of cases) {
      const a = await onePass.rangeQuery(expr, start * 1000, end * 1000, step * 1000);
      const b = await stepByStep.rangeQuery(expr, start * 1000, end * 1000, step * 1000);
      assert.ok(a.resultType === 'matrix' && a.result.length > 0, `${expr}: no result`);
      // The same numbers to the last bit: the same rate function and Kahan sum, in the same order.
      assert.deepEqual(a, b, expr);
      const at = (start + end) / 2;
      assert.deepEqual(
        await onePass.instantQuery(expr, at * 1000),
        await stepByStep.instantQuery(expr, at * 1000),
        `${expr} @ ${at}`,
      );
    }
  });

  test('every route takes a token; the routes are in the OpenAPI document', async () => {
    const anon = await call(server, 'GET', '/prometheus/api/v1/query?query=up');
    assert.equal(anon.status, 401);
    const doc = await call(server, 'GET', '/api/v1/openapi.json', { token: ADMIN_TOKEN });
    for (const path of [
      'query',
      'query_range',
      'series',
      'labels',
      'label/{name}/values',
      'query_exemplars',
      'metadata',
    ])
      assert.ok(doc.body.paths[`/prometheus/api/v1/${path}`], path);
  });
});
