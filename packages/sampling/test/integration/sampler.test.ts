import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { SpanRecord } from '@tracehouse/otlp';
import { Store } from '@tracehouse/store';
import { hex, span, storeOptions, tempDir } from '../../../store/test/fixtures';
import {
  encodeThreshold,
  evaluate,
  parseRules,
  samplingPolicy,
  TraceSampler,
  thresholdFor,
  traceDecision,
} from '../../src/index';

const ok = (traceId: string, over: Partial<SpanRecord> = {}) =>
  span(traceId, { StatusCode: 'Unset', TraceState: '', Duration: '1000000', ...over });

/** A trace of `n` spans: a root and its children. */
function trace(n: number, over: (i: number) => Partial<SpanRecord> = () => ({})): SpanRecord[] {
  const traceId = hex(16);
  const root = ok(traceId, over(0));
  return [root, ...Array.from({ length: n - 1 }, (_, i) => ok(traceId, { ParentSpanId: root.SpanId, ...over(i + 1) }))];
}

describe('store-first tail sampling (TraceSampler over chDB)', () => {
  const dir = tempDir();
  let store: Store;
  // The fake clock only moves forward; each test jumps past the windows instead of sleeping.
  let clock = Date.now();
  const rules = samplingPolicy({
    latencyThresholdMs: 1000,
    baselinePercent: 5,
    rules: parseRules([
      { name: 'drop-health', when: { attribute: 'span.http.route', equals: '/health' }, action: 'drop' },
      { name: 'org-x', when: { attribute: 'resource.org.id', matches: '^x-' }, action: 'keep' },
      { name: 'big-orders', when: { attribute: 'span.order.total', gte: 1000 }, action: 'keep' },
    ]),
  });
  let sampler: TraceSampler;
  const tick = (advanceMs: number) => {
    clock = Math.max(clock, Date.now()) + advanceMs;
    return sampler.tick(clock);
  };
  const count = async (q: string, params = {}) => Number((await store.sql.query<{ n: string }>(q, params))[0]!.n);

  const keptCopy = (traceId: string) =>
    store.sql.query<{ TraceState: string; AdjustedCount: number; SamplingRule: string; adj: string }>(
      `SELECT TraceState, AdjustedCount, SamplingRule, SpanAttributes['sampling.adjusted_count'] AS adj
FROM spans WHERE TraceId = {t:String}`,
      { t: traceId },
    );

  before(async () => {
    store = await Store.open(storeOptions(dir));
    sampler = new TraceSampler(store, { rules, rootGraceMs: 2000, decisionWaitMs: 30_000, maxSpans: 500 });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('decides each quiet trace once, by the rules, and copies kept traces whole with th and adjusted count', async () => {
    const error = trace(5, (i) => (i === 3 ? { StatusCode: 'Error' } : {}));
    const slow = trace(4, (i) => (i === 2 ? { Duration: String(1_500_000_000) } : {}));
    const health = trace(3, () => ({ SpanAttributes: { 'http.route': '/health' }, StatusCode: 'Error' }));
    const orgX = trace(2, () => ({ ResourceAttributes: { 'service.name': 'checkout', 'org.id': 'x-42' } }));
    const bigOrder = trace(2, (i) => (i === 1 ? { SpanAttributes: { 'order.total': '1500' } } : {}));
    const happy = Array.from({ length: 200 }, () => trace(3));
    const all = [error, slow, health, orgX, bigOrder, ...happy];
    // In batches, as SDKs send them.
    for (let b = 0; b < 3; b++) await store.writeSpans(all.flatMap((t) => t.filter((_, i) => i % 3 === b)));

    const notYet = await tick(0);
    assert.equal(notYet.decided.length, 0, 'nothing is quiet for rootGrace yet');
    const res = await tick(2500);
    assert.equal(res.decided.length, all.length);
    const byId = new Map(res.decided.map((d) => [d.traceId, d]));
    assert.equal(byId.get(error[0]!.TraceId)!.rule, 'errors');
    assert.equal(byId.get(slow[0]!.TraceId)!.rule, 'latency');
    assert.equal(byId.get(health[0]!.TraceId)!.decision, 'drop');
    assert.equal(byId.get(orgX[0]!.TraceId)!.rule, 'org-x');
    assert.equal(byId.get(bigOrder[0]!.TraceId)!.rule, 'big-orders');
    for (const t of all) {
      const d = byId.get(t[0]!.TraceId)!;
      const ref = evaluate(rules, t);
      assert.equal(d.decision, ref.decision, `trace ${t[0]!.TraceId}`);
      assert.equal(d.rule, ref.rule);
      assert.equal(d.trigger, 'root');
    }
    assert.equal((await tick(100)).decided.length, 0, 'a decided trace is not decided again');

    const kept = all.filter((t) => byId.get(t[0]!.TraceId)!.decision === 'keep');
    const keptSpans = kept.reduce((n, t) => n + t.length, 0);
    assert.equal(await count('SELECT count() AS n FROM spans'), keptSpans);
    // An upstream tracestate keeps its other members and ot sub-keys.
    const upstream = trace(1, () => ({ TraceState: 'vendor=a,ot=th:8;rv:abcdef01234567', StatusCode: 'Error' }));
    await store.writeSpans(upstream);
    await tick(2500);
    const [up] = await keptCopy(upstream[0]!.TraceId);
    // Kept by the errors rule (th:0), head-sampled at 50% upstream (th:8): the stricter wins.
    assert.equal(up!.TraceState, 'ot=th:8;rv:abcdef01234567,vendor=a');
    assert.equal(up!.AdjustedCount, 2);
    assert.equal(up!.adj, '2');
    // Sampled here at 5% (th:f333...), but upstream was stricter (th:fc, 1/64): th:fc, 64.
    const strict = trace(1, () => ({ TraceState: 'ot=th:fc' })).map((x) => ({
      ...x,
      TraceId: `${hex(9)}${'f'.repeat(14)}`,
    }));
    await store.writeSpans(strict);
    await tick(2500);
    const [st] = await keptCopy(strict[0]!.TraceId);
    assert.equal(st!.SamplingRule, 'baseline');
    assert.equal(st!.TraceState, 'ot=th:fc');
    assert.equal(st!.AdjustedCount, 64);
    const errorTrace = await keptCopy(error[0]!.TraceId);
    assert.equal(errorTrace.length, 5);
    assert.ok(
      errorTrace.every((s) => s.TraceState === 'ot=th:0' && s.AdjustedCount === 1 && s.SamplingRule === 'errors'),
    );
    assert.equal(errorTrace[0]!.adj, '1');
    assert.equal(
      (await store.getTrace(error[0]!.TraceId, 'default')).length,
      5,
      'one row per span id across both tables',
    );
    const sampled = kept.find((t) => byId.get(t[0]!.TraceId)!.rule === 'baseline');
    if (sampled) {
      const spans = await keptCopy(sampled[0]!.TraceId);
      assert.ok(
        spans.every((s) => s.TraceState === `ot=th:${encodeThreshold(thresholdFor(5))}`),
        spans[0]!.TraceState,
      );
      assert.equal(Math.round(Number(spans[0]!.adj)), 20);
    }
    const decision = await traceDecision(store, health[0]!.TraceId, 'default');
    assert.equal(decision?.decision, 'drop');
    assert.equal(decision?.rule, 'drop-health');
    assert.match(decision!.reason!, /root span arrived/);
    assert.equal(await traceDecision(store, hex(16), 'default'), undefined);
  });

  test('rootless traces wait for decisionWait; late spans follow the decision', async () => {
    const traceId = hex(16);
    await store.writeSpans([ok(traceId, { ParentSpanId: hex(8), StatusCode: 'Error' })]);
    assert.equal((await tick(2500)).decided.length, 0);
    assert.equal((await traceDecision(store, traceId, 'default'))?.decision, 'pending');
    const res = await tick(31_000);
    assert.deepEqual(
      res.decided.map((d) => [d.traceId, d.trigger]),
      [[traceId, 'wait']],
    );
    // A late span of the kept trace, and a late ERROR span of a dropped one.
    const health = trace(2, () => ({ SpanAttributes: { 'http.route': '/health' } }));
    await store.writeSpans(health);
    await tick(2500);
    await new Promise((r) => setTimeout(r, 2100)); // past the visibility lag
    const lateKept = ok(traceId, { ParentSpanId: hex(8) });
    await store.writeSpans([lateKept, ok(health[0]!.TraceId, { StatusCode: 'Error' })]);
    await new Promise((r) => setTimeout(r, 2100));
    const late = await tick(100);
    assert.deepEqual(late.lateSpans, { keep: 1, drop: 1 });
    const spans = await store.getTrace(traceId, 'default');
    assert.equal(spans.length, 2);
    assert.equal(await count('SELECT count() AS n FROM spans WHERE TraceId = {t:String}', { t: traceId }), 2);
    assert.equal(
      await count('SELECT count() AS n FROM spans WHERE TraceId = {t:String}', { t: health[0]!.TraceId }),
      0,
    );
    assert.equal((await traceDecision(store, health[0]!.TraceId, 'default'))?.decision, 'drop');
  });

  test('a trace past maxSpans is decided at once and streams; a restarted sampler copies nothing twice', async () => {
    const giant = trace(600);
    await store.writeSpans(giant);
    const res = await tick(0);
    assert.deepEqual(
      res.decided.map((d) => d.trigger),
      ['maxSpans'],
    );
    const more = Array.from({ length: 50 }, () => ok(giant[0]!.TraceId, { ParentSpanId: giant[0]!.SpanId }));
    await store.writeSpans(more);
    await new Promise((r) => setTimeout(r, 2100));
    // A new sampler (a restart) re-runs from the stored watermarks.
    sampler = new TraceSampler(store, { rules, rootGraceMs: 2000, decisionWaitMs: 30_000, maxSpans: 500 });
    await tick(100);
    const kept = res.decided[0]!.decision === 'keep';
    const n = await count('SELECT count() AS n FROM spans WHERE TraceId = {t:String}', { t: giant[0]!.TraceId });
    assert.equal(n, kept ? 650 : 0);
    const distinct = await count('SELECT uniqExact(SpanId) AS n FROM spans');
    assert.equal(await count('SELECT count() AS n FROM spans'), distinct, 'no span copied twice');
  });

  for (const step of ['decide', 'copy', 'late'] as const) {
    test(`a crash right after the ${step} insert, then a restart: every span of a kept trace copied exactly once`, async () => {
      const opts = { rules, rootGraceMs: 2000, decisionWaitMs: 30_000, maxSpans: 500 };
      const traces = Array.from({ length: 20 }, () => trace(4, (i) => (i === 2 ? { StatusCode: 'Error' } : {})));
      await store.writeSpans(traces.flat());
      sampler = new TraceSampler(store, step === 'late' ? opts : { ...opts, failAfterInsert: step });
      if (step === 'late') {
        await tick(2500);
        const late = traces.map((t) => ok(t[0]!.TraceId, { ParentSpanId: t[0]!.SpanId }));
        await store.writeSpans(late);
        await new Promise((r) => setTimeout(r, 2100));
        sampler = new TraceSampler(store, { ...opts, failAfterInsert: step });
      }
      await assert.rejects(tick(2500), /injected failure/);
      sampler = new TraceSampler(store, opts);
      await tick(100);
      for (const t of traces) {
        const n = await count('SELECT count() AS n FROM spans WHERE TraceId = {t:String}', { t: t[0]!.TraceId });
        assert.equal(n, step === 'late' ? 5 : 4);
        const d = await count('SELECT count() AS n FROM sampling_decisions WHERE TraceId = {t:String}', {
          t: t[0]!.TraceId,
        });
        assert.equal(d, 1);
      }
      const distinct = await count('SELECT uniqExact(TraceId, SpanId) AS n FROM spans');
      assert.equal(await count('SELECT count() AS n FROM spans'), distinct, 'no span copied twice');
    });
  }

  test('a backlog larger than one tick is worked off over several ticks, nothing skipped', async () => {
    const traces = Array.from({ length: 25 }, () => trace(2));
    await store.writeSpans(traces.flat());
    sampler = new TraceSampler(store, {
      rules,
      rootGraceMs: 2000,
      decisionWaitMs: 30_000,
      maxSpans: 500,
      maxDecisionsPerTick: 10,
    });
    const sizes: number[] = [];
    for (let i = 0; i < 4; i++) sizes.push((await tick(2500)).decided.length);
    assert.deepEqual(sizes, [10, 10, 5, 0]);
    for (const t of traces)
      assert.notEqual((await traceDecision(store, t[0]!.TraceId, 'default'))?.decision, 'pending');
  });
});
