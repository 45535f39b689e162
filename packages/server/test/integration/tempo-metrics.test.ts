import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTestServer, type TestServer } from '../helpers';
import { otlpExporters } from '../support/otlp';

// Spans sent with the official OTLP exporter at fixed times in one minute, ten minutes ago
// (inside the recent window, where every span counts once), then read back as Tempo's
// TraceQL metrics, the shape Grafana's Tempo datasource parses.
const STEP = 60;
const minute = Math.floor((Date.now() / 1000 - 600) / STEP) * STEP;
const at = (s: number) => new Date((minute + s) * 1000);

describe('Tempo TraceQL metrics API', () => {
  let server: TestServer;
  const range = `start=${minute - 300}&end=${minute + 300}&step=${STEP}`;
  const get = (path: string, q: string, params = range) =>
    server.get(`/tempo/api/metrics/${path}?q=${encodeURIComponent(q)}&${params}`);

  before(async () => {
    server = await startTestServer();
    const ex = otlpExporters(server, 'http/protobuf');
    for (const [service, errors, oks] of [
      ['frontend', 3, 2],
      ['payments', 1, 0],
    ] as const) {
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        spanProcessors: [new SimpleSpanProcessor(ex.traces)],
      });
      const tracer = provider.getTracer('shop');
      for (let i = 0; i < errors + oks; i++) {
        const span = tracer.startSpan(`GET /${i}`, { kind: SpanKind.SERVER, startTime: at(5 + i) });
        if (i < errors) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end(at(5 + i + 0.25 * (i + 1)));
      }
      await provider.forceFlush();
      await provider.shutdown();
    }
    // Acknowledged spans are stored; wait until all six are readable.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await get('query', '{} | count_over_time()', `start=${minute}&end=${minute + STEP}`);
      if (res.body.series?.[0]?.value === 6) break;
      if (Date.now() > deadline) throw new Error(`spans not stored: ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  after(() => server?.stop());

  test('query_range: error rate by service, labels and samples as Tempo writes them', async () => {
    const res = await get('query_range', '{ status = error } | rate() by (resource.service.name)');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // Ten steps from minute - 300; a step without spans counts 0.
    const samples = (errors: number) =>
      Array.from({ length: 10 }, (_, i) => ({
        timestampMs: String((minute - 300 + i * STEP) * 1000),
        value: i === 5 ? errors / STEP : 0,
      }));
    assert.deepEqual(res.body.series, [
      {
        labels: [{ key: 'resource.service.name', value: { stringValue: 'frontend' } }],
        samples: samples(3),
        exemplars: [],
      },
      {
        labels: [{ key: 'resource.service.name', value: { stringValue: 'payments' } }],
        samples: samples(1),
        exemplars: [],
      },
    ]);
    assert.equal(typeof res.body.metrics, 'object');
  });

  test('exemplars when asked for: the slowest matching span of a step, with its trace id', async () => {
    const q = '{ status = error } | rate() by (resource.service.name)';
    const res = await get('query_range', q, `${range}&exemplars=10`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [frontend] = res.body.series;
    assert.equal(frontend.exemplars.length, 1);
    const [e] = frontend.exemplars;
    assert.deepEqual(
      e.labels.map((l: { key: string }) => l.key),
      ['trace:id', 'span:id'],
    );
    assert.match(e.labels[0].value.stringValue, /^[0-9a-f]{32}$/);
    // The slowest frontend error started at +7 s (it took 750 ms); its value is the step's rate.
    assert.equal(e.timestampMs, String((minute + 7) * 1000));
    assert.equal(e.value, 3 / STEP);
    assert.equal((await get('query_range', q, `${range}&exemplars=101`)).status, 400);
  });

  test('quantiles are one series per p (a double label), in seconds', async () => {
    const res = await get('query_range', '{ resource.service.name = "frontend" } | quantile_over_time(duration, 1)');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.series[0].labels, [{ key: 'p', value: { doubleValue: 1 } }]);
    // The slowest frontend span took 5 × 250 ms; quantiles are within 0.55%.
    const v = res.body.series[0].samples[0].value;
    assert.ok(Math.abs(v - 1.25) <= 1.25 * 0.0055, String(v));
  });

  test('instant query: one value per series over the range; start/end in ns and RFC 3339 too', async () => {
    const ns = (s: number) => `${s}000000000`;
    for (const params of [
      `start=${minute}&end=${minute + STEP}`,
      `start=${ns(minute)}&end=${ns(minute + STEP)}`,
      `start=${new Date(minute * 1000).toISOString()}&end=${new Date((minute + STEP) * 1000).toISOString()}`,
    ]) {
      const res = await get('query', '{} | count_over_time() by (kind, status)', params);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.series.map((s: { labels: { value: { stringValue: string } }[]; value: number }) => [
          s.labels.map((l) => l.value.stringValue).join(' '),
          s.value,
        ]),
        [
          ['server error', 4],
          ['server unset', 2],
        ],
        params,
      );
    }
  });

  test('errors are 400 (or 422) with the reason as plain text', async () => {
    const cases: [string, string, string, number, RegExp][] = [
      ['query_range', '{ status = error', range, 400, /at position 16/],
      ['query_range', '{ }', range, 400, /a metrics query ends with a metrics function/],
      ['query_range', '{ .a = "1" } && { .b = "2" } | rate()', range, 400, /combined spansets/],
      ['query_range', '{} | rate()', `start=${minute}&end=${minute + 86400}&step=1`, 400, /at most 2000/],
      ['query_range', '{} | rate()', `start=${minute}&end=${minute - 60}`, 400, /start must be before end/],
      ['query_range', '{} | rate()', 'start=yesterday', 400, /invalid start/],
      ['query_range', '{} | rate()', `${range.replace(`step=${STEP}`, 'step=fast')}`, 400, /step/],
      ['query_range', '{ name =~ "(" } | rate()', range, 400, /regular expression/],
    ];
    for (const [path, q, params, status, message] of cases) {
      const res = await get(path, q, params);
      assert.equal(res.status, status, `${q} ${params}: ${JSON.stringify(res.body)}`);
      assert.match(String(res.body), message, q);
    }
    // A metrics query is not a search: the search says so.
    const search = await server.get(`/tempo/api/search?q=${encodeURIComponent('{} | rate()')}`);
    assert.equal(search.status, 400);
    assert.match(String(search.body), /rate\(\) is a TraceQL metrics function/);
  });
});
