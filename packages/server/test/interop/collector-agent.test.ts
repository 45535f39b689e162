// The OpenTelemetry Collector (core components, built from source) as an agent in front of
// tracehouse, through its otlp_grpc and otlp_http exporters: the Go SDK's signal set arrives
// unaltered, and when tracehouse pushes back (429 / RESOURCE_EXHAUSTED under a low tenant rate)
// the Collector retries until every span is in.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTestServer, type TestServer } from '../helpers';
import { type Collector, startCollector } from './support/collector';
import { eventually, runJson } from './support/run';
import { assertSignalSet, type EmittedIds } from './support/signal-set';
import { requireTool, toolchain } from './support/toolchain';

const RETRY = { enabled: true, initial_interval: '200ms', max_interval: '2s', max_elapsed_time: '120s' };

let server: TestServer;

before(async () => {
  // Low enough that the backpressure tests' load (~0.4-0.7 MB) needs many seconds at this rate
  // however slowly the machine sends it; the signal-set tests' few kilobytes fit in the burst.
  server = await startTestServer({ sets: ['ingest.tenantRateBytes=20KB', 'ingest.tenantBurstBytes=40KB'] });
});
after(() => server?.stop());

const exporters = (s: TestServer): Record<string, Record<string, unknown>> => ({
  otlp_grpc: { endpoint: s.urls.otlpGrpc, tls: { insecure: true }, retry_on_failure: RETRY },
  otlp_http: { endpoint: s.urls.otlpHttp, retry_on_failure: RETRY },
});

async function selfMetric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${server.urls.api}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

for (const exporter of ['otlp_grpc', 'otlp_http'] as const) {
  describe(`Collector agent -> ${exporter} -> tracehouse`, () => {
    let collector: Collector;
    before(async () => {
      collector = await startCollector({ [exporter]: exporters(server)[exporter] });
    });
    after(() => collector?.stop());

    test('the Go SDK signal set arrives as sent', async (t) => {
      const started = Date.now();
      const service = `interop-collector-${exporter}`;
      const ids = await runJson<EmittedIds>(requireTool(toolchain.goClient), ['emit', 'grpc', collector.grpc, service]);
      await assertSignalSet(server.get, service, ids, { int64: true });
      t.diagnostic(
        `interop: collector ${exporter.padEnd(9)} go -> otelcol -> tracehouse equal (${Date.now() - started} ms)`,
      );
    });

    test('over the tenant rate, tracehouse pushes back, the Collector retries, and no span is lost', async (t) => {
      const started = Date.now();
      const protocol = exporter === 'otlp_grpc' ? 'grpc' : 'http/protobuf';
      const refusedBefore = await selfMetric(
        'tracehouse_otlp_requests_total',
        `signal="traces",protocol="${protocol}",outcome="over_quota"`,
      );
      const service = `interop-backpressure-${exporter}`;
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        spanProcessors: [
          new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collector.http}/v1/traces` }), {
            maxQueueSize: 10_000,
            maxExportBatchSize: 500,
          }),
        ],
      });
      const tracer = provider.getTracer('backpressure');
      const TRACES = 200;
      const SPANS = 10;
      // Random, so that gzip cannot shrink the load under the rate: the quota counts request bytes.
      const padding = () => randomBytes(150).toString('hex');
      const traceIds: string[] = [];
      for (let i = 0; i < TRACES; i++) {
        const root = tracer.startSpan(`trace-${i}`);
        const { context, trace } = await import('@opentelemetry/api');
        const parent = trace.setSpan(context.active(), root);
        for (let j = 1; j < SPANS; j++)
          tracer.startSpan(`span-${j}`, { attributes: { padding: padding() } }, parent).end();
        root.end();
        traceIds.push(root.spanContext().traceId);
      }
      await provider.shutdown();

      // Every trace by id through the API (search lists kept traces only; most of these are not).
      const spansOf = async (traceId: string) => {
        const res = await server.get(`/api/v1/traces/${traceId}`);
        if (res.status !== 200) return 0;
        return res.body.resourceSpans[0].scopeSpans.reduce(
          (n: number, ss: { spans: unknown[] }) => n + ss.spans.length,
          0,
        );
      };
      let seen = 0;
      const stored = await eventually(async () => {
        seen = 0;
        for (const traceId of traceIds) seen += await spansOf(traceId);
        return seen === TRACES * SPANS ? seen : undefined;
      }, 120_000).catch((error) => {
        throw new Error(
          `${seen} of ${TRACES * SPANS} spans stored (${error}); the Collector said:\n${collector.process.output().slice(-3000)}`,
        );
      });
      assert.equal(stored, TRACES * SPANS);
      const refused =
        (await selfMetric(
          'tracehouse_otlp_requests_total',
          `signal="traces",protocol="${protocol}",outcome="over_quota"`,
        )) - refusedBefore;
      assert.ok(refused > 0, 'tracehouse refused some exports (the rate was exceeded)');
      t.diagnostic(
        `interop: collector ${exporter.padEnd(9)} backpressure: ${refused} refusals retried, ${stored}/${TRACES * SPANS} spans stored (${Date.now() - started} ms)`,
      );
    });
  });
}
