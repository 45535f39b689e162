import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportOrder, planLogBodies, planSpanBodies } from '../../src/template/plan';
import { TemplatePool } from '../../src/template/pool';
import { createWorkload } from '../../src/workload/workload';

const T0 = 1_750_000_000_000_000_000n;
const traces = (n: number, seed = 5) => {
  const w = createWorkload({ seed, bigTraceFraction: 0 });
  return Array.from({ length: n }, () => w.nextTrace(T0));
};

describe('request planning', () => {
  it('puts whole traces in one request when they fit', () => {
    const t = traces(10);
    const total = t.reduce((n, x) => n + x.spans.length, 0);
    const bodies = planSpanBodies(
      t.map((x) => x.spans),
      total,
      1,
    );
    assert.equal(bodies.length, 1);
    assert.equal(bodies[0].length, total);
  });

  it('cuts a trace larger than the batch into batch-sized requests, root last', () => {
    const big = createWorkload({ seed: 1, bigTraceFraction: 1 }).nextTrace(T0);
    const bodies = planSpanBodies([big.spans], 100, 1);
    assert.ok(bodies.length >= 3);
    assert.ok(bodies.every((b) => b.length <= 100));
    assert.equal(bodies.flat().length, big.spans.length);
    assert.equal(bodies[bodies.length - 1].at(-1)?.ParentSpanId, '');
  });

  it('spreads each trace over k requests with splitTraces = k', () => {
    const t = traces(20);
    const bodies = planSpanBodies(
      t.map((x) => x.spans),
      10_000,
      3,
    );
    assert.equal(bodies.length, 3);
    for (const trace of t.filter((x) => x.spans.length >= 3)) {
      const inBodies = bodies.filter((b) => b.some((s) => s.TraceId === trace.traceId));
      assert.equal(inBodies.length, 3);
      // The root ends last, so it is in the last request.
      assert.ok(bodies[2].some((s) => s.TraceId === trace.traceId && s.ParentSpanId === ''));
    }
    assert.equal(
      bodies.flat().length,
      t.reduce((n, x) => n + x.spans.length, 0),
    );
  });

  it('orders spans as an SDK exports them: by end time', () => {
    const [t] = traces(1);
    const ordered = exportOrder(t.spans);
    for (let i = 1; i < ordered.length; i++) {
      const end = (s: (typeof ordered)[number]) => BigInt(s.Timestamp) + BigInt(s.Duration);
      assert.ok(end(ordered[i - 1]) <= end(ordered[i]));
    }
  });

  it('chunks logs by the batch size', () => {
    const logs = traces(50).flatMap((t) => t.logs);
    const bodies = planLogBodies(logs, 64);
    assert.ok(bodies.every((b) => b.length <= 64));
    assert.equal(bodies.flat().length, logs.length);
    assert.deepEqual(planLogBodies([], 10), []);
  });
});

describe('template pool', () => {
  const options = { format: 'protobuf' as const, batch: 200, splitTraces: 1, logs: true, baseNs: T0 };

  it('prepares exactly the traces a fixed-count run needs', () => {
    const pool = new TemplatePool(createWorkload({ seed: 1 }), { ...options, maxSpans: 1_000_000 });
    pool.prepare(137);
    let n = 0;
    while (n < 137) {
      const unit = pool.next(137 - n);
      assert.ok(unit.traces.length <= 137 - n);
      n += unit.traces.length;
    }
    assert.equal(n, 137);
  });

  it('reuses its units round-robin, and builds a smaller one for a remainder', () => {
    const pool = new TemplatePool(createWorkload({ seed: 1 }), { ...options, maxSpans: 1000 });
    pool.prepare();
    const first = pool.next();
    const seen = [first];
    for (let u = pool.next(); u !== first; u = pool.next()) seen.push(u);
    assert.ok(seen.length >= 4 && seen.length <= 10, `${seen.length} units`);
    assert.ok(seen.every((u) => u.spans <= 200 || u.traces.length === 1));
    const small = pool.next(1);
    assert.equal(small.traces.length, 1);
  });
});
