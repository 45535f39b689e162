// Label matchers on the derived metrics select exactly the series their labels say, including the
// overflow series of the cardinality limit (which has no service label): the store filters rows
// on the label columns before it builds labels, and that must not change a single result.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LATENCY_BOUNDS_SECONDS } from '@tracehouse/derived';
import { Engine, type QueryResult, type SeriesSource } from '@tracehouse/promql';
import { tenantSource } from '../../src/api/prometheus/source';
import { startTestServer, type TestServer } from '../helpers';
import { otlpExporters } from '../support/otlp';

describe('PromQL label matchers on the derived metrics', () => {
  let server: TestServer;

  const query = async (expr: string): Promise<[Record<string, string>, string][]> => {
    const res = await fetch(
      `${server.urls.api}/prometheus/api/v1/query?query=${encodeURIComponent(expr)}&time=${Date.now() / 1000}`,
    );
    const body = (await res.json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    assert.equal(res.status, 200, JSON.stringify(body));
    return body.data.result.map((s) => [s.metric, s.value[1]]);
  };

  async function send(service: string, spans: [string, boolean][]) {
    const ex = otlpExporters(server, 'http/protobuf');
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      spanProcessors: [new SimpleSpanProcessor(ex.traces)],
    });
    const tracer = provider.getTracer('t');
    for (const [name, error] of spans) {
      const span = tracer.startSpan(name, { kind: SpanKind.SERVER });
      if (error) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    await provider.forceFlush();
    await provider.shutdown();
  }

  async function waitForTotal(total: number) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await query('sum(traces_spanmetrics_calls_total)');
      if (r[0]?.[1] === String(total)) return;
      if (Date.now() > deadline) throw new Error(`derived metrics did not reach ${total}: ${JSON.stringify(r)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  before(async () => {
    server = await startTestServer({
      sets: [
        'derived.interval=1s',
        'derived.lag=300ms',
        'derived.cardinalityLimit=2',
        'processor.interval=200ms',
        'sampling.rootGrace=300ms',
        'sampling.decisionWait=1s',
      ],
    });
    // Two label sets of checkout fill the limit; cart's two arrive later and fold into the overflow series.
    await send('checkout', [
      ['POST /pay', true],
      ['POST /pay', false],
      ['POST /pay', false],
    ]);
    await waitForTotal(3);
    await send('cart', [
      ['GET /a', false],
      ['GET /b', true],
    ]);
    await waitForTotal(5);
  });
  after(async () => {
    await server?.stop();
  });

  test('each matcher type selects the series its labels pass, the overflow series included', async () => {
    const sum = async (selector: string) => (await query(`sum(traces_spanmetrics_calls_total${selector})`))[0]?.[1];
    assert.equal(await sum('{service="checkout"}'), '3');
    assert.equal(await sum('{service!="checkout"}'), '2', 'the overflow series has no service: it is not checkout');
    assert.equal(await sum('{service=""}'), '2');
    assert.equal(await sum('{service="cart"}'), undefined, "cart's label sets were folded");
    assert.equal(await sum('{service=~"check.*"}'), '3');
    assert.equal(await sum('{service!~"check.*"}'), '2');
    assert.equal(await sum('{service=~"check.*|"}'), '5', 'a regex that matches the empty value keeps the overflow');
    assert.equal(await sum('{span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_ERROR"}'), '1');
    assert.equal(await sum('{otel_metric_overflow="true"}'), '2');
    assert.deepEqual(await query('count by (service) (traces_spanmetrics_calls_total{span_name!="nope"})'), [
      [{}, '1'],
      [{ service: 'checkout' }, '2'],
    ]);
  });

  test('sum(rate()) computed in ClickHouse with matchers equals the in-memory evaluation', async () => {
    const store = server.store.prometheus({ derivedBoundsSeconds: LATENCY_BOUNDS_SECONDS, derivedStaleMs: 900_000 });
    const source = tenantSource(store, 'default', Date.now, 60_000);
    const inMemory: SeriesSource = { select: (req) => source.select(req) };
    const flat = (r: QueryResult) =>
      r.resultType === 'matrix' ? r.result.map((s) => [s.metric, s.t, s.v.map((v) => Number(v.toPrecision(12)))]) : r;
    const now = Date.now();
    for (const expr of [
      'sum by (service) (increase(traces_spanmetrics_calls_total{service!="checkout"}[1m]))',
      'sum(rate(traces_spanmetrics_calls_total{service="checkout",status_code=~"STATUS_CODE_(ERROR|UNSET)"}[1m]))',
      'sum by (le) (rate(traces_spanmetrics_latency_bucket{service=~"c.*"}[1m]))',
    ]) {
      const pushed = await new Engine({ source }).rangeQuery(expr, now - 60_000, now, 5_000);
      const plain = await new Engine({ source: inMemory }).rangeQuery(expr, now - 60_000, now, 5_000);
      assert.ok(pushed.resultType === 'matrix' && pushed.result.length > 0, `${expr}: no result`);
      assert.deepEqual(flat(pushed), flat(plain), expr);
    }
  });
});
