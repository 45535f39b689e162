import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SpanRecord } from '@tracehouse/otlp';
import { createWorkload, type GeneratedTrace } from '../../src/index';

const T0 = 1_750_000_000_000_000_000n;

function traces(n: number, seed: number | string, extra: Parameters<typeof createWorkload>[0] | object = {}) {
  const w = createWorkload({ seed, ...extra });
  return Array.from({ length: n }, (_, i) => w.nextTrace(T0 + BigInt(i) * 1_000_000n));
}

const end = (s: SpanRecord): bigint => BigInt(s.Timestamp) + BigInt(s.Duration);

describe('workload', () => {
  it('is deterministic for a seed, and differs across seeds', () => {
    const a = traces(200, 7);
    const b = traces(200, 7);
    assert.deepEqual(a, b);
    const c = traces(200, 8);
    assert.notDeepEqual(
      a.map((t) => t.traceId),
      c.map((t) => t.traceId),
    );
  });

  it('keeps the span shape when only the log rate changes', () => {
    const a = traces(100, 'shape', { logsPerSpan: 0.5 });
    const b = traces(100, 'shape', { logsPerSpan: 2 });
    assert.deepEqual(
      a.map((t) => t.spans),
      b.map((t) => t.spans),
    );
    assert.ok(b.reduce((n, t) => n + t.logs.length, 0) > a.reduce((n, t) => n + t.logs.length, 0) * 2);
  });

  describe('over 10,000 traces', () => {
    const all: GeneratedTrace[] = traces(10_000, 42);

    it('every trace has exactly one root, and every parent exists in its trace', () => {
      for (const t of all) {
        const ids = new Set(t.spans.map((s) => s.SpanId));
        assert.equal(t.spans.filter((s) => s.ParentSpanId === '').length, 1, t.traceId);
        for (const s of t.spans) {
          assert.equal(s.TraceId, t.traceId);
          if (s.ParentSpanId) assert.ok(ids.has(s.ParentSpanId), `${t.traceId}: parent of ${s.SpanId} missing`);
        }
        const root = t.spans.find((s) => s.ParentSpanId === '');
        assert.equal(root?.ServiceName, t.rootService);
        assert.equal(root?.SpanName, t.rootSpanName);
      }
    });

    it('children lie within their parent, except consumers, which start after their producer', () => {
      for (const t of all) {
        const byId = new Map(t.spans.map((s) => [s.SpanId, s]));
        for (const s of t.spans) {
          assert.ok(BigInt(s.Duration) >= 0n);
          const parent = byId.get(s.ParentSpanId);
          if (!parent) continue;
          if (s.SpanKind === 'Consumer') {
            assert.equal(parent.SpanKind, 'Producer');
            assert.ok(BigInt(s.Timestamp) >= end(parent), 'consumer starts after the publish ended');
          } else {
            assert.ok(
              BigInt(s.Timestamp) >= BigInt(parent.Timestamp),
              `${s.SpanName} starts before ${parent.SpanName}`,
            );
            assert.ok(end(s) <= end(parent), `${s.SpanName} ends after ${parent.SpanName}`);
          }
        }
      }
    });

    it('has unique trace ids, and unique span ids', () => {
      assert.equal(new Set(all.map((t) => t.traceId)).size, all.length);
      const spanIds = all.flatMap((t) => t.spans.map((s) => s.SpanId));
      assert.equal(new Set(spanIds).size, spanIds.length);
      for (const id of spanIds) assert.match(id, /^[0-9a-f]{16}$/);
      for (const t of all) assert.match(t.traceId, /^[0-9a-f]{32}$/);
    });

    it('reports errors exactly: an error trace has an ERROR span, no other trace does', () => {
      for (const t of all) {
        const errors = t.spans.filter((s) => s.StatusCode === 'Error');
        assert.equal(errors.length > 0, t.hasError, t.traceId);
        if (t.hasError) {
          const withException = t.spans.filter((s) => s['Events.Name'].includes('exception'));
          assert.equal(withException.length, 1);
          const attrs = withException[0]['Events.Attributes'][0];
          assert.ok(attrs['exception.type'] && attrs['exception.message'] && attrs['exception.stacktrace']);
        }
      }
      const fraction = all.filter((t) => t.hasError).length / all.length;
      assert.ok(fraction > 0.006 && fraction < 0.014, `error fraction ${fraction}`);
    });

    it('reports slowness exactly: a slow trace has a 1.5-4 s span, no span of another reaches 1 s', () => {
      let childOnly = 0;
      for (const t of all) {
        const longest = t.spans.reduce((m, s) => (BigInt(s.Duration) > m ? BigInt(s.Duration) : m), 0n);
        if (t.isSlow) {
          assert.ok(longest >= 1_500_000_000n, `${t.traceId} slow but longest ${longest}`);
          const root = t.spans.find((s) => s.ParentSpanId === '');
          if (root && BigInt(root.Duration) < 1_000_000_000n) childOnly++;
        } else assert.ok(longest < 1_000_000_000n, `${t.traceId} not slow but has a span of ${longest} ns`);
      }
      const slow = all.filter((t) => t.isSlow).length;
      assert.ok(slow / all.length > 0.006 && slow / all.length < 0.014, `slow fraction ${slow / all.length}`);
      assert.ok(childOnly > 0 && childOnly < slow, 'some slow traces have a fast root');
    });

    it('has realistic sizes and depths', () => {
      const sizes = all.map((t) => t.spans.length).sort((a, b) => a - b);
      const median = sizes[sizes.length >> 1];
      assert.ok(median >= 5 && median <= 40, `median ${median}`);
      assert.ok(sizes[Math.floor(sizes.length * 0.9)] <= 60);
      assert.ok(sizes[sizes.length - 1] >= 300, 'some big traces');
      for (const t of all) {
        const byId = new Map(t.spans.map((s) => [s.SpanId, s]));
        let depth = 0;
        for (const s of t.spans) {
          let d = 1;
          for (let p = byId.get(s.ParentSpanId); p; p = byId.get(p.ParentSpanId)) d++;
          depth = Math.max(depth, d);
        }
        assert.ok(depth >= 3 && depth <= 12, `depth ${depth}`);
      }
    });

    it('uses semantic-convention attributes with their types', () => {
      const spans = all.slice(0, 2000).flatMap((t) => t.spans);
      const servers = spans.filter((s) => s.SpanKind === 'Server');
      for (const s of servers) {
        assert.equal(s.SpanAttributeTypes['http.response.status_code'], 'int');
        assert.match(s.SpanName, /^(GET|POST) \//);
        assert.equal(s.SpanName, `${s.SpanAttributes['http.request.method']} ${s.SpanAttributes['http.route']}`);
      }
      const db = spans.filter((s) => s.SpanAttributes['db.system.name']);
      assert.ok(
        db.some((s) => s.SpanAttributes['db.system.name'] === 'postgresql' && s.SpanAttributes['db.query.text']),
      );
      assert.ok(db.some((s) => s.SpanAttributes['db.system.name'] === 'redis'));
      assert.ok(spans.some((s) => s.SpanAttributes['peer.service'] === 'stripe' && s.SpanKind === 'Client'));
      assert.ok(spans.some((s) => s.SpanAttributes['enduser.id']?.startsWith('user-') && s.SpanAttributes.org_id));
      for (const s of spans.filter((x) => x.SpanKind === 'Consumer')) {
        assert.equal(s['Links.SpanId'].length, 1);
        assert.equal(s['Links.SpanId'][0], s.ParentSpanId);
        assert.equal(s['Links.TraceId'][0], s.TraceId);
        assert.equal(s.SpanAttributes['messaging.operation.type'], 'process');
      }
      const services = new Set(spans.map((s) => s.ServiceName));
      for (const name of ['frontend', 'gateway', 'auth', 'orders', 'payments', 'inventory', 'worker']) {
        assert.ok(services.has(name), name);
      }
      for (const s of spans.slice(0, 50)) {
        for (const key of ['service.name', 'service.version', 'service.instance.id', 'deployment.environment.name']) {
          assert.ok(s.ResourceAttributes[key], key);
        }
        assert.equal(s.ResourceAttributes['telemetry.sdk.name'], 'opentelemetry');
      }
    });

    it('writes logs inside existing spans of their trace', () => {
      let logs = 0;
      let spans = 0;
      for (const t of all) {
        const byId = new Map(t.spans.map((s) => [s.SpanId, s]));
        spans += t.spans.length;
        for (const l of t.logs) {
          logs++;
          assert.equal(l.TraceId, t.traceId);
          const span = byId.get(l.SpanId);
          assert.ok(span, 'log references an existing span');
          assert.equal(l.ServiceName, span.ServiceName);
          assert.ok(BigInt(l.Timestamp) >= BigInt(span.Timestamp) && BigInt(l.Timestamp) <= end(span));
          assert.ok(BigInt(l.ObservedTimestamp) >= BigInt(l.Timestamp));
          assert.ok(BigInt(l.Timestamp) <= t.endTimeUnixNano && BigInt(l.ObservedTimestamp) <= t.endTimeUnixNano);
          if (l.BodyType === 'kvlist') assert.ok(Array.isArray(JSON.parse(l.Body)));
        }
        if (t.hasError) assert.ok(t.logs.some((l) => l.SeverityText === 'ERROR'));
      }
      assert.ok(Math.abs(logs / spans - 0.5) < 0.03, `logs per span ${logs / spans}`);
    });
  });

  it('honours the fractions it is given', () => {
    const all = traces(2000, 3, { errorFraction: 0.5, slowFraction: 0.25, bigTraceFraction: 0 });
    const errors = all.filter((t) => t.hasError).length / all.length;
    const slow = all.filter((t) => t.isSlow).length / all.length;
    assert.ok(Math.abs(errors - 0.5) < 0.05, `errors ${errors}`);
    assert.ok(Math.abs(slow - 0.25) < 0.05, `slow ${slow}`);
    assert.ok(all.every((t) => t.spans.length < 300));
    assert.ok(traces(200, 3, { logsPerSpan: 0 }).every((t) => t.logs.length === 0));
  });

  it('puts times where the caller says', () => {
    const w = createWorkload({ seed: 1 });
    const t = w.nextTrace(T0);
    assert.equal(t.startTimeUnixNano, T0);
    const root = t.spans.find((s) => s.ParentSpanId === '');
    assert.equal(root?.Timestamp, String(T0));
    for (const s of t.spans) assert.ok(BigInt(s.Timestamp) >= T0 && end(s) <= t.endTimeUnixNano);
  });

  it('draws users from the pool', () => {
    const all = traces(2000, 9, { users: 10 });
    const users = new Set(all.flatMap((t) => t.spans.map((s) => s.SpanAttributes['enduser.id']).filter(Boolean)));
    assert.ok(users.size <= 10 && users.size >= 5, `${users.size} users`);
  });
});
