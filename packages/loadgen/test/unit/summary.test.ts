import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSummary, type LoadgenSummary } from '../../src/index';
import { Pacer } from '../../src/run/pacer';
import { percentile } from '../../src/run/summary';

const counts = (n: number) => ({ requests: 2, sent: n, acknowledged: n - 1, rejected: 1, failed: 0 });

const summary: LoadgenSummary = {
  protocol: 'http/protobuf',
  endpoint: 'http://127.0.0.1:4318',
  seed: '42',
  gzip: false,
  targetRate: 0,
  concurrency: 4,
  batch: 500,
  prepareMs: 812.4,
  elapsedMs: 10_000,
  requests: 5,
  retries: 2,
  failures: 1,
  errors: ['HTTP 503: busy'],
  spans: counts(1000),
  logs: counts(500),
  metricPoints: { requests: 1, sent: 10, acknowledged: 10, rejected: 0, failed: 0 },
  traces: { sent: 60, acknowledged: 59, error: 1, slow: 2 },
  spansPerSecond: 99.9,
  latencyMs: { p50: 1.234, p99: 12.345, max: 40 },
  spansByService: { orders: 600, frontend: 400 },
  spansBySpanName: { orders: { 'GET /orders/{id}': 600 }, frontend: { 'GET /': 400 } },
};

describe('summary', () => {
  it('prints a stable block whose first line has the headline figures', () => {
    const lines = formatSummary(summary).split('\n');
    assert.equal(
      lines[0],
      'loadgen: spans_sent=1000 spans_acknowledged=999 spans_per_s=100 requests=5 p99_ms=12.3 rejected=2 failures=1',
    );
    assert.ok(lines.includes('loadgen.traces: sent=60 acknowledged=59 error=1 slow=2'));
    assert.ok(lines.includes('loadgen.requests: total=5 retries=2 failures=1 p50_ms=1.2 p99_ms=12.3 max_ms=40'));
    assert.ok(lines.includes('loadgen.spans: requests=2 sent=1000 acknowledged=999 rejected=1 failed=0'));
    // Sorted, so two runs print in the same order.
    assert.deepEqual(
      lines.filter((l) => l.startsWith('loadgen.service:')),
      ['loadgen.service: service=frontend spans=400', 'loadgen.service: service=orders spans=600'],
    );
    assert.ok(lines.includes('loadgen.span: service=orders name="GET /orders/{id}" spans=600'));
    assert.ok(lines.includes('loadgen.error: "HTTP 503: busy"'));
    assert.ok(lines.every((l) => l.startsWith('loadgen')));
  });

  it('computes nearest-rank percentiles', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 50), 50);
    assert.equal(percentile(sorted, 99), 99);
    assert.equal(percentile([], 99), 0);
    assert.equal(percentile([7], 99), 7);
  });
});

describe('pacer', () => {
  it('spaces sends to the target rate, shared by all senders', () => {
    let now = 0;
    const pacer = new Pacer(1000, () => now);
    assert.equal(pacer.reserve(500), 0);
    assert.equal(pacer.reserve(500), 500);
    assert.equal(pacer.reserve(500), 1000);
    now = 5000;
    // After a stall it catches up on at most one second.
    assert.equal(pacer.reserve(500), 0);
    assert.equal(pacer.reserve(500), 0);
    assert.equal(pacer.reserve(500), 0);
    assert.equal(pacer.reserve(500), 500);
  });

  it('never waits at rate 0', () => {
    const pacer = new Pacer(0, () => 0);
    for (let i = 0; i < 5; i++) assert.equal(pacer.reserve(1e6), 0);
  });
});
