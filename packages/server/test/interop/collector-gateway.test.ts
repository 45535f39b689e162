// tracehouse in gateway mode (forward.otlpEndpoint) forwarding its kept traces to an
// OpenTelemetry Collector (otlp receiver -> otlp_http exporter) whose destination is a second
// tracehouse: the trace the second one stores is the one the gateway kept, span for span.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers';
import { startTracehouse, type TracehouseProcess } from '../process';
import { type Collector, startCollector } from './support/collector';
import { eventually, runJson } from './support/run';
import type { EmittedIds } from './support/signal-set';
import { requireTool, toolchain } from './support/toolchain';

let downstream: TracehouseProcess;
let downstreamDir: string;
let collector: Collector;
let gateway: TestServer;

before(async () => {
  // chDB holds one data directory per process, so the destination runs as its own process.
  downstreamDir = mkdtempSync(join(tmpdir(), 'tracehouse-downstream-'));
  downstream = await startTracehouse(downstreamDir);
  collector = await startCollector({
    otlp_http: { endpoint: downstream.otlpHttp, retry_on_failure: { initial_interval: '200ms', max_interval: '2s' } },
  });
  gateway = await startTestServer({
    sets: [
      `forward.otlpEndpoint=${collector.http}`,
      'sampling.decisionWait=1s',
      'sampling.rootGrace=500ms',
      'processor.interval=250ms',
    ],
  });
});

after(async () => {
  await gateway?.stop();
  await collector?.stop();
  downstream?.child.kill('SIGTERM');
  await downstream?.exited;
  rmSync(downstreamDir, { recursive: true, force: true });
});

interface Span {
  spanId: string;
  traceState?: string;
  attributes?: { key: string; value: unknown }[];
}
type Trace = { resourceSpans: { scopeSpans: { spans: Span[] }[] }[] };

/**
 * The forwarded trace without what the gateway adds on purpose (docs/sampling.md, gateway mode):
 * `sampling.adjusted_count` and the sampling threshold in the trace state.
 */
function withoutSamplingMarks(doc: Trace): Trace {
  for (const rs of doc.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const count = span.attributes?.find((kv) => kv.key === 'sampling.adjusted_count');
        assert.deepEqual(count?.value, { doubleValue: 1 }, 'a kept trace counts once');
        span.attributes = span.attributes?.filter((kv) => kv !== count);
        if (span.attributes?.length === 0) delete span.attributes;
        assert.match(span.traceState ?? '', /(^|,)ot=th:0/);
        delete span.traceState;
      }
    }
  }
  return doc;
}
const spanCount = (doc: Trace) =>
  doc.resourceSpans.reduce((n, rs) => n + rs.scopeSpans.reduce((m, ss) => m + ss.spans.length, 0), 0);

test('kept traces forwarded through a Collector arrive unaltered at a second tracehouse', async (t) => {
  const started = Date.now();
  const ids = await runJson<EmittedIds>(requireTool(toolchain.goClient), [
    'emit',
    'grpc',
    `http://${gateway.urls.otlpGrpc}`,
    'interop-gateway',
  ]);
  // The trace holds an error span, so the gateway keeps it.
  const decision = await eventually(async () => {
    const res = await gateway.get(`/api/v1/traces/${ids.traceId}/decision`);
    return res.body?.decision === 'pending' ? undefined : res.body;
  });
  assert.equal(decision.decision, 'keep');
  const forwarded = await eventually(async () => {
    const res = await fetch(`${downstream.api}/api/v1/traces/${ids.traceId}`);
    if (res.status !== 200) return undefined;
    const doc = (await res.json()) as Trace;
    return spanCount(doc) === 2 ? doc : undefined;
  }, 60_000);
  const kept = (await gateway.get(`/api/v1/traces/${ids.traceId}`)).body as Trace;
  assert.deepEqual(withoutSamplingMarks(forwarded), kept);
  t.diagnostic(`interop: gateway tracehouse -> otelcol -> tracehouse: kept trace equal (${Date.now() - started} ms)`);
});
