import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type LoadgenProtocol, type LoadgenSummary, runLoadgen } from '../../src/index';
import { type Capture, type CaptureOptions, type CaptureServer, startCaptureServer } from './capture-server';

const PROTOCOLS: LoadgenProtocol[] = ['http/protobuf', 'http/json', 'grpc'];

async function withServer<T>(o: CaptureOptions, fn: (server: CaptureServer) => Promise<T>): Promise<T> {
  const server = await startCaptureServer(o);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

const endpointOf = (server: CaptureServer, protocol: LoadgenProtocol): string =>
  protocol === 'grpc' ? server.grpcAddress : server.httpUrl;

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const item of items) m.set(key(item), (m.get(key(item)) ?? 0) + 1);
  return m;
}

/** The summary's ground truth, trace by trace, against what the server decoded. */
function assertMatches(summary: LoadgenSummary, capture: Capture): void {
  const truth = summary.traceIds ?? [];
  assert.equal(truth.length, summary.traces.sent);
  assert.equal(new Set(truth.map((t) => t.traceId)).size, truth.length, 'unique trace ids');
  assert.equal(capture.spans.length, summary.spans.acknowledged + summary.spans.rejected);
  assert.equal(capture.logs.length, summary.logs.acknowledged + summary.logs.rejected);
  assert.equal(capture.metricPoints, summary.metricPoints.acknowledged + summary.metricPoints.rejected);
  assert.equal(
    truth.reduce((n, t) => n + t.spanCount, 0),
    capture.spans.length,
  );

  const spansByTrace = countBy(capture.spans, (s) => s.TraceId);
  const logsByTrace = countBy(capture.logs, (l) => l.TraceId);
  assert.equal(spansByTrace.size, truth.length);
  for (const t of truth) {
    assert.equal(spansByTrace.get(t.traceId), t.spanCount, `spans of ${t.traceId}`);
    assert.equal(logsByTrace.get(t.traceId) ?? 0, t.logCount, `logs of ${t.traceId}`);
    const spans = capture.spans.filter((s) => s.TraceId === t.traceId);
    assert.equal(
      spans.some((s) => s.StatusCode === 'Error'),
      t.hasError,
      `error of ${t.traceId}`,
    );
    assert.equal(
      spans.some((s) => BigInt(s.Duration) >= 1_500_000_000n),
      t.isSlow,
      `slowness of ${t.traceId}`,
    );
    const roots = spans.filter((s) => s.ParentSpanId === '');
    assert.equal(roots.length, 1);
    assert.equal(roots[0].ServiceName, t.rootService);
    assert.equal(roots[0].SpanName, t.rootSpanName);
    const ids = new Set(spans.map((s) => s.SpanId));
    assert.equal(ids.size, spans.length, 'unique span ids in the trace');
    for (const s of spans) if (s.ParentSpanId) assert.ok(ids.has(s.ParentSpanId), 'parent arrived');
  }
  assert.equal(summary.traces.error, truth.filter((t) => t.hasError && t.acknowledged).length);
  assert.equal(summary.traces.slow, truth.filter((t) => t.isSlow && t.acknowledged).length);
  const byService = countBy(capture.spans, (s) => s.ServiceName);
  assert.deepEqual(new Map(Object.entries(summary.spansByService)), byService);
  for (const [service, names] of Object.entries(summary.spansBySpanName)) {
    for (const [name, n] of Object.entries(names)) {
      assert.equal(capture.spans.filter((s) => s.ServiceName === service && s.SpanName === name).length, n);
    }
  }
}

describe('runLoadgen against a capture server', () => {
  for (const protocol of PROTOCOLS) {
    describe(protocol, () => {
      let server: CaptureServer;
      let summary: LoadgenSummary;
      const started = BigInt(Date.now()) * 1_000_000n;

      before(async () => {
        server = await startCaptureServer();
        summary = await runLoadgen({
          protocol,
          endpoint: endpointOf(server, protocol),
          traces: 300,
          rate: 0,
          batch: 200,
          seed: `it-${protocol}`,
          errorFraction: 0.1,
          slowFraction: 0.1,
          signals: ['traces', 'logs', 'metrics'],
          headers: { Authorization: 'Bearer loadgen-test' },
          recordTraceIds: true,
        });
      });
      after(() => server.close());

      it('sends exactly the traces asked for, all acknowledged', () => {
        assert.equal(summary.traces.sent, 300);
        assert.equal(summary.traces.acknowledged, 300);
        assert.equal(summary.failures, 0);
        assert.equal(summary.retries, 0);
        assert.ok(summary.traces.error > 10 && summary.traces.slow > 10);
        assert.ok(summary.metricPoints.acknowledged > 0);
        assert.equal(summary.requests, server.capture.requests.length);
      });

      it('reports what the server received, trace by trace', () => {
        assertMatches(summary, server.capture);
      });

      it('stamps recent times and sends the headers', () => {
        const now = BigInt(Date.now()) * 1_000_000n;
        for (const s of server.capture.spans) {
          const end = BigInt(s.Timestamp) + BigInt(s.Duration);
          assert.ok(end <= now, 'spans ended before they were sent');
          assert.ok(BigInt(s.Timestamp) > started - 60_000_000_000n, 'spans are recent');
        }
        for (const r of server.capture.requests) {
          assert.equal(r.authorization, 'Bearer loadgen-test');
          assert.equal(r.format, protocol === 'http/json' ? 'json' : 'protobuf');
          assert.equal(r.transport, protocol === 'grpc' ? 'grpc' : 'http');
          if (r.signal !== 'metrics') assert.ok(r.items <= 200);
        }
      });
    });
  }

  for (const protocol of PROTOCOLS) {
    it(`${protocol}: honours 429/RESOURCE_EXHAUSTED with the server's delay, losing nothing`, async () => {
      await withServer({ throttleFirst: 2, retryAfterSeconds: 1 }, async (server) => {
        const t0 = performance.now();
        const summary = await runLoadgen({
          protocol,
          endpoint: endpointOf(server, protocol),
          traces: 40,
          rate: 0,
          concurrency: 1,
          seed: 3,
          recordTraceIds: true,
        });
        assert.ok(performance.now() - t0 >= 1900, 'waited the requested delay twice');
        assert.equal(summary.retries, 2);
        assert.equal(summary.failures, 0);
        assert.equal(server.capture.refused, 2);
        assert.equal(summary.traces.acknowledged, 40);
        assertMatches(summary, server.capture);
      });
    });
  }

  it('gives up on a refusal without retrying, and counts nothing as acknowledged', async () => {
    await withServer({ refuseAll: true }, async (server) => {
      for (const protocol of ['http/protobuf', 'grpc'] as const) {
        const summary = await runLoadgen({ protocol, endpoint: endpointOf(server, protocol), traces: 20, rate: 0 });
        assert.equal(summary.retries, 0);
        assert.equal(summary.failures, summary.requests);
        assert.equal(summary.spans.acknowledged, 0);
        assert.equal(summary.spans.failed, summary.spans.sent);
        assert.equal(summary.traces.acknowledged, 0);
        assert.equal(summary.errors.length, 1);
      }
    });
  });

  it('gives up after the last retry and says so', async () => {
    await withServer({ throttleFirst: 1000, retryAfterSeconds: 0 }, async (server) => {
      const summary = await runLoadgen({ endpoint: server.httpUrl, traces: 5, rate: 0, maxRetries: 2, concurrency: 1 });
      assert.equal(summary.failures, summary.requests);
      assert.equal(summary.retries, 2 * summary.requests);
      assert.equal(server.capture.refused, 3 * summary.requests);
      assert.match(summary.errors[0], /HTTP 429/);
    });
  });

  it('counts what a partial success rejected', async () => {
    await withServer({ rejectPerRequest: 2 }, async (server) => {
      for (const protocol of PROTOCOLS) {
        const requests = server.capture.requests.length;
        const summary = await runLoadgen({ protocol, endpoint: endpointOf(server, protocol), traces: 50, rate: 0 });
        const spanRequests = server.capture.requests.slice(requests).filter((r) => r.signal === 'traces').length;
        assert.equal(summary.spans.rejected, 2 * spanRequests);
        assert.equal(summary.spans.acknowledged, summary.spans.sent - summary.spans.rejected);
      }
    });
  });

  it('compresses with gzip, and the server reads it over HTTP and gRPC', async () => {
    await withServer({}, async (server) => {
      for (const protocol of ['http/protobuf', 'http/json', 'grpc'] as const) {
        const summary = await runLoadgen({
          protocol,
          endpoint: endpointOf(server, protocol),
          traces: 30,
          rate: 0,
          gzip: true,
          recordTraceIds: true,
        });
        assert.equal(summary.traces.acknowledged, 30);
      }
      // grpc-js hides grpc-encoding from handlers; grpc-wire.test.ts checks gRPC compression on the wire.
      const overHttp = server.capture.requests.filter((r) => r.transport === 'http');
      assert.ok(overHttp.length > 0 && overHttp.every((r) => r.gzip));
    });
  });

  it('spreads traces over several requests with splitTraces, the root in the last one', async () => {
    await withServer({}, async (server) => {
      const summary = await runLoadgen({
        endpoint: server.httpUrl,
        traces: 60,
        rate: 0,
        batch: 100,
        splitTraces: 3,
        signals: ['traces'],
        recordTraceIds: true,
        bigTraceFraction: 0,
      });
      assertMatches(summary, server.capture);
      const requests = server.capture.requests;
      for (const t of summary.traceIds ?? []) {
        if (t.spanCount < 3) continue;
        const carrying = requests.map((r, i) => [r, i] as const).filter(([r]) => r.traceIds.includes(t.traceId));
        assert.equal(carrying.length, 3, `${t.traceId} in ${carrying.length} requests`);
        const root = server.capture.spans.find((s) => s.TraceId === t.traceId && s.ParentSpanId === '');
        const lastRequest = carrying[carrying.length - 1][0];
        assert.ok(root && lastRequest.traceIds.includes(root.TraceId));
      }
    });
  });

  it('holds the target rate for the duration', async () => {
    await withServer({}, async (server) => {
      const progress: number[] = [];
      const summary = await runLoadgen({
        endpoint: server.httpUrl,
        rate: 3000,
        durationMs: 2000,
        signals: ['traces'],
        seed: 11,
        progressIntervalMs: 500,
        onProgress: (s) => progress.push(s.spans.acknowledged),
      });
      assert.ok(progress.length >= 3, `${progress.length} progress reports`);
      assert.ok(progress.every((n, i) => i === 0 || n >= progress[i - 1]));
      assert.ok(summary.elapsedMs >= 1900 && summary.elapsedMs < 3500, `elapsed ${summary.elapsedMs}`);
      const rate = summary.spans.acknowledged / (summary.elapsedMs / 1000);
      assert.ok(rate > 3000 * 0.7 && rate < 3000 * 1.3, `rate ${rate}`);
      // At 3000 spans/s a request carries about one second of spans, not a burst of 500.
      assert.ok(server.capture.requests.length >= 12);
    });
  });

  it('stops early on abort, counting what was in flight', async () => {
    await withServer({}, async (server) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 500);
      const t0 = performance.now();
      const summary = await runLoadgen({
        endpoint: server.httpUrl,
        rate: 2000,
        durationMs: 60_000,
        signal: controller.signal,
      });
      // Far below the 60 s duration, with room for a loaded CI machine to finish the requests in flight.
      assert.ok(performance.now() - t0 < 15_000);
      assert.equal(summary.spans.acknowledged, server.capture.spans.length);
      assert.ok(summary.spans.acknowledged > 0);
    });
  });
});
