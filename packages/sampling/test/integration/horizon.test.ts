import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import type { SpanRecord } from '@tracehouse/otlp';
import { Store } from '@tracehouse/store';
import { hex, span, storeOptions, tempDir } from '../../../store/test/fixtures';
import { samplingPolicy, TraceSampler } from '../../src/index';

const RECENT_MS = 3_600_000; // the fixture's retention.spansRecent: the late-span window

const errorRoot = (traceId: string): SpanRecord =>
  span(traceId, { StatusCode: 'Error', TraceState: '', Duration: '1000000' });

/** A decision as the sampler records it, made at `decidedAtMs` on spans ingested a minute before. */
async function decide(store: Store, traceId: string, decision: 'keep' | 'drop', decidedAtMs: number): Promise<void> {
  await store.sql.command(
    `INSERT INTO recent_decisions (TraceId, Decision, Rule, Reason, DecidedAt, AdjustedCount, SpanCount, LastIngest, FirstIngest, Threshold)
VALUES ({t:String}, {d:String}, 'earlier', '', fromUnixTimestamp64Milli({at:Int64}), 4, 3,
  fromUnixTimestamp64Milli({at:Int64}) - toIntervalMinute(1), fromUnixTimestamp64Milli({at:Int64}) - toIntervalMinute(2), 'c')`,
    { t: traceId, d: decision, at: decidedAtMs },
  );
}

test('a span follows its trace decision within the late-span window; past it, the trace id is decided again on its new spans alone', async () => {
  const dir = tempDir();
  const store = await Store.open(storeOptions(dir));
  try {
    const sampler = new TraceSampler(store, {
      rules: samplingPolicy({ latencyThresholdMs: 1000, baselinePercent: 0 }),
      rootGraceMs: 2000,
      decisionWaitMs: 30_000,
      maxSpans: 500,
      visibilityLagMs: 0,
    });
    await sampler.tick(Date.now()); // the watermarks start here
    const governed = hex(16); // decided 1 ms less than the window before its late span: late
    const edge = hex(16); // decided exactly the window before: decided again
    const longAgo = hex(16); // decided two days ago: decided again
    const spans = [errorRoot(governed), errorRoot(edge), errorRoot(longAgo)];
    await store.writeSpans(spans);
    const [{ i }] = (await store.sql.query<{ i: string }>(
      `SELECT toString(toUnixTimestamp64Milli(max(IngestTime))) AS i FROM spans_recent WHERE TraceId IN ({a:String}, {b:String})
HAVING min(IngestTime) = max(IngestTime)`,
      { a: governed, b: edge },
    )) as [{ i: string }];
    const ingestMs = Number(i);
    await decide(store, governed, 'keep', ingestMs - RECENT_MS + 1);
    await decide(store, edge, 'drop', ingestMs - RECENT_MS);
    await decide(store, longAgo, 'drop', ingestMs - 2 * 86_400_000);

    const res = await sampler.tick(Date.now() + 5000);
    assert.deepEqual(
      res.decided.map((d) => [d.traceId, d.decision, d.rule, d.spanCount]).sort(),
      [
        [edge, 'keep', 'errors', 1],
        [longAgo, 'keep', 'errors', 1],
      ].sort(),
    );
    assert.deepEqual(res.lateSpans, { keep: 1, drop: 0 });

    const copies = await store.sql.query<{
      TraceId: string;
      SpanId: string;
      AdjustedCount: number;
      SamplingRule: string;
    }>('SELECT TraceId, SpanId, AdjustedCount, SamplingRule FROM spans ORDER BY TraceId');
    assert.deepEqual(
      copies,
      spans
        .map((s) => ({
          TraceId: s.TraceId,
          SpanId: s.SpanId,
          // The governed span follows its decision (adjusted count 4); the others their new one.
          AdjustedCount: s.TraceId === governed ? 4 : 1,
          SamplingRule: s.TraceId === governed ? 'earlier' : 'errors',
        }))
        .sort((a, b) => (a.TraceId < b.TraceId ? -1 : 1)),
    );

    // Ticks later, nothing is decided, counted or copied again.
    const again = await sampler.tick(Date.now() + 60_000);
    assert.deepEqual(again.decided, []);
    assert.deepEqual(again.lateSpans, { keep: 0, drop: 0 });
    const [{ n }] = (await store.sql.query<{ n: string }>('SELECT count() AS n FROM spans')) as [{ n: string }];
    assert.equal(Number(n), 3);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
