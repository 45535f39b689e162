// The span-metrics processor against the real embedded store, with an injected clock:
// the SQL bucket placement, dimensions, the cardinality limit and exactly-once re-runs.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  cumulative,
  DerivedStore,
  LATENCY_BOUNDS_SECONDS,
  parseDimensions,
  SpanMetricsProcessor,
} from '@tracehouse/derived';
import type { SpanRecord } from '@tracehouse/otlp';
import { bareSpan } from '../../../store/test/fixtures';
import { startTestServer, type TestServer } from '../helpers';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

function span(over: Partial<SpanRecord>): SpanRecord {
  return bareSpan({
    Timestamp: String(BigInt(Date.now()) * 1_000_000n),
    Duration: '1000000',
    TraceId: hex(16),
    SpanId: hex(8),
    SpanAttributes: { 'http.method': 'GET', status_code: '200' },
    StatusCode: 'Ok',
    ...over,
  });
}

const options = (limit = 2000) => ({
  intervalMs: 1000,
  lagMs: 0,
  dimensions: parseDimensions('http.method,status_code'),
  cardinalityLimit: limit,
  keep: { latencyThresholdMs: 1000, baselinePercent: 5 },
});

/** Lets the database clock pass the end of the 1 s interval holding the spans just written. */
const closeInterval = () => new Promise((r) => setTimeout(r, 1100));

/** Two scrapes: a new series is exposed at 0 first. */
function totals(p: SpanMetricsProcessor) {
  p.series.scrape(false);
  return p.series.scrape(false);
}

describe('span-metrics processor on the embedded store', () => {
  let server: TestServer;
  let derived: DerivedStore;
  before(async () => {
    server = await startTestServer({ sets: ['derived.enabled=false'] });
    derived = new DerivedStore(server.store);
  });
  after(() => server?.stop());

  test('1, 5, 20 ms, exactly 4 ms and a clock-skewed span land in the exact buckets', async () => {
    await server.store.writeSpans(
      ['1000000', '5000000', '20000000', '4000000', '-5000000'].map((Duration) => span({ Duration })),
    );
    const p = new SpanMetricsProcessor(derived, options());
    await closeInterval();
    await p.tick(Date.now() + 2000);
    const [s] = totals(p);
    assert.deepEqual(s!.state.labels, [
      ['service', 'svc'],
      ['span_name', 'GET /x'],
      ['span_kind', 'SPAN_KIND_SERVER'],
      ['status_code', 'STATUS_CODE_OK'],
      ['http_method', 'GET'],
      ['__status_code', '200'],
    ]);
    assert.equal(s!.state.counters.calls, 5);
    const c = cumulative(s!.state.histograms.latency!.buckets);
    const at = (le: number) => c[LATENCY_BOUNDS_SECONDS.indexOf(le)];
    assert.deepEqual([at(0.002), at(0.004), at(0.008), at(0.016), at(0.032)], [2, 3, 4, 4, 5]);
    assert.ok(Math.abs(s!.state.histograms.latency!.sum - 0.03) < 1e-12);
  });

  test('a crash before the watermark moves re-runs the interval without counting twice', async () => {
    const watermark = (await derived.readWatermark('span_metrics'))!;
    await server.store.writeSpans([span({ SpanName: 'GET /y' })]);
    const first = new SpanMetricsProcessor(derived, options());
    await first.restore();
    await closeInterval();
    await first.tick(Date.now() + 2000);
    // The crash: rows written, watermark put back to where it was.
    await derived.writeWatermark('span_metrics', watermark);
    const restarted = new SpanMetricsProcessor(derived, options());
    await restarted.restore();
    await restarted.tick(Date.now() + 2000);
    const calls = (p: SpanMetricsProcessor) => totals(p).reduce((a, s) => a + (s.state.counters.calls ?? 0), 0);
    assert.equal(calls(restarted), 6);
    const stored = await derived.spanMetricTotals(Date.now() + 60_000);
    assert.equal(
      stored.reduce((a, r) => a + r.calls, 0),
      6,
    );
  });

  test('restored series leave /metrics once idle for the stale duration', async () => {
    const p = new SpanMetricsProcessor(derived, { ...options(), staleMs: 15 * 60_000 });
    await p.restore();
    assert.ok(p.series.size > 0);
    await p.tick(Date.now() + 16 * 60_000);
    assert.equal(p.series.size, 0);
  });
});

describe('cardinality limit on the embedded store', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ sets: ['derived.enabled=false'] });
  });
  after(() => server?.stop());

  test('label sets past the limit fold into otel_metric_overflow="true" with totals intact', async () => {
    await server.store.writeSpans(Array.from({ length: 7 }, (_, i) => span({ SpanName: `GET /item/${i}` })));
    const p = new SpanMetricsProcessor(new DerivedStore(server.store), options(3));
    await closeInterval();
    await p.tick(Date.now() + 2000);
    const series = totals(p);
    assert.equal(series.length, 4);
    const overflow = series.find((s) => s.state.labels.some(([k]) => k === 'otel_metric_overflow'));
    assert.deepEqual(overflow!.state.labels, [['otel_metric_overflow', 'true']]);
    assert.equal(overflow!.state.counters.calls, 4);
    assert.equal(
      series.reduce((a, s) => a + (s.state.counters.calls ?? 0), 0),
      7,
    );
  });
});
