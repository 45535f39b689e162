import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { SpanRecord } from '@tracehouse/otlp';
import { parseMetrics } from '@tracehouse/traceql';
import { MetricsLimitError, MetricsQueryError, type MetricsSeries, Store } from '../../src/index';
import { spanColumns } from '../../src/schema/columns';
import { hex, span, storeOptions, tempDir } from '../fixtures';

const STEP = 60;
const nowS = Math.floor(Date.now() / 1000);
const align = (t: number) => Math.floor(t / STEP) * STEP;
/** Two hours ago: only the kept table speaks for it (the recent window is the last hour). */
const OLD = align(nowS - 2 * 3600);
/** Ten minutes ago: the recent window holds every span. */
const RECENT = align(nowS - 600);
const ORIGIN = align(nowS - 3 * 3600);
const END = align(nowS) + STEP;

function at(bucket: number, service: string, durationMs: number, over: Partial<SpanRecord> = {}): SpanRecord {
  return span(hex(16), {
    ServiceName: service,
    ResourceAttributes: { 'service.name': service },
    ResourceAttributeTypes: {},
    Timestamp: String(BigInt(bucket + 10) * 1_000_000_000n),
    Duration: String(BigInt(durationMs) * 1_000_000n),
    SpanName: 'GET /',
    SpanKind: 'Server',
    StatusCode: 'Ok',
    SpanAttributes: { 'http.route': '/' },
    SpanAttributeTypes: {},
    ...over,
  });
}

describe('TraceQL metrics over kept and recent spans', () => {
  const dir = tempDir();
  let store: Store;
  const errorSpans: Record<'old' | 'recent', SpanRecord | undefined> = { old: undefined, recent: undefined };

  /** What the sampler does to a kept trace: its spans copied to `spans`, each standing for `weight` spans. */
  async function keep(spans: SpanRecord[], weight: number) {
    const cols = [...spanColumns.map((c) => `\`${c.name}\``), 'Tenant'].join(', ');
    await store.sql.command(
      `INSERT INTO spans (${cols}, AdjustedCount) SELECT ${cols}, {w:Float64} FROM spans_recent WHERE SpanId IN {ids:Array(String)}`,
      { w: weight, ids: spans.map((s) => s.SpanId) },
    );
  }

  before(async () => {
    store = await Store.open(storeOptions(dir));
    // Two hours ago: two 5%-sampled frontend spans (20 each), one kept error (1), one checkout (20).
    // They are written through the recent table too, whose copy must not count (out of its window).
    const oldBaseline = [at(OLD, 'frontend', 100), at(OLD, 'frontend', 100)];
    const oldError = at(OLD, 'frontend', 2000, { StatusCode: 'Error' });
    const oldCheckout = at(OLD, 'checkout', 300);
    // Ten minutes ago: every span is in the recent window; one of them was kept too (weight 20).
    const recentOk = [at(RECENT, 'frontend', 100), at(RECENT, 'frontend', 100), at(RECENT, 'frontend', 100)];
    const recentError = at(RECENT, 'frontend', 1000, { StatusCode: 'Error' });
    Object.assign(errorSpans, { old: oldError, recent: recentError });
    await store.writeSpans([...oldBaseline, oldError, oldCheckout, ...recentOk, recentError]);
    await store.writeSpans([at(RECENT, 'checkout', 100)], 'acme');
    await keep([...oldBaseline, oldCheckout, recentOk[0]!], 20);
    await keep([oldError], 1);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (q: string, over: { tenant?: string; step?: number; exemplars?: number } = {}) =>
    store.queryTraceQLMetrics({
      tenant: over.tenant ?? 'default',
      query: parseMetrics(q),
      origin: ORIGIN,
      end: END,
      step: over.step ?? STEP,
      now: nowS,
      exemplars: over.exemplars,
    });
  /** label set -> { bucket start (s) -> value }, steps without spans (counted 0) left out. */
  const table = (series: MetricsSeries[]) =>
    Object.fromEntries(
      series.map((s) => [
        s.labels.map((l) => `${l.key}=${l.value}`).join(','),
        Object.fromEntries(s.samples.filter((p) => p.value !== 0).map((p) => [p.timeMs / 1000, p.value])),
      ]),
    );

  test('count_over_time by service: kept spans weighted by AdjustedCount, recent spans once', async () => {
    assert.deepEqual(table(await run('{} | count_over_time() by (resource.service.name)')), {
      'resource.service.name=checkout': { [OLD]: 20 },
      'resource.service.name=frontend': { [OLD]: 2 * 20 + 1, [RECENT]: 4 },
    });
  });

  test('rate without by: per second of the step, named like Tempo', async () => {
    const series = await run('{ status = error } | rate()');
    assert.deepEqual(series[0]?.labels, [{ key: '__name__', value: 'rate', type: '' }]);
    assert.deepEqual(table(series), { '__name__=rate': { [OLD]: 1 / 60, [RECENT]: 1 / 60 } });
  });

  test('counts are 0 in every other step of the range; a maximum has no value there', async () => {
    const [rate] = await run('{ status = error } | rate()');
    assert.equal(rate!.samples.length, (END - ORIGIN) / STEP);
    assert.equal(rate!.samples[0]!.timeMs, ORIGIN * 1000);
    assert.equal(rate!.samples.filter((p) => p.value === 0).length, (END - ORIGIN) / STEP - 2);
    const [max] = await run('{ status = error } | max_over_time(duration)');
    assert.deepEqual(
      max!.samples.map((p) => [p.timeMs / 1000, p.value]),
      [
        [OLD, 2],
        [RECENT, 1],
      ],
    );
  });

  test('another tenant’s spans are not counted, and its own are', async () => {
    assert.deepEqual(table(await run('{} | count_over_time()', { tenant: 'acme' })), {
      '__name__=count_over_time': { [RECENT]: 1 },
    });
  });

  test('min, max, weighted avg and sum of durations, in seconds', async () => {
    const by = ' by (resource.service.name)';
    const frontend = async (fn: string) =>
      table(await run(`{} | ${fn}(duration)${by}`))['resource.service.name=frontend'];
    assert.deepEqual(await frontend('max_over_time'), { [OLD]: 2, [RECENT]: 1 });
    assert.deepEqual(await frontend('min_over_time'), { [OLD]: 0.1, [RECENT]: 0.1 });
    const avg = (await frontend('avg_over_time'))!;
    assert.ok(Math.abs(avg[OLD]! - (40 * 0.1 + 2) / 41) < 1e-12, String(avg[OLD]));
    assert.ok(Math.abs(avg[RECENT]! - (3 * 0.1 + 1) / 4) < 1e-12, String(avg[RECENT]));
    const sum = (await frontend('sum_over_time'))!;
    assert.ok(Math.abs(sum[OLD]! - 6) < 1e-9 && Math.abs(sum[RECENT]! - 1.3) < 1e-9, JSON.stringify(sum));
  });

  test('quantiles: one series per quantile, labelled p, weighted', async () => {
    const series = await run('{ resource.service.name = "frontend" } | quantile_over_time(duration, 0.5, 0.9, 0.99)');
    assert.deepEqual(
      series.map((s) => s.labels),
      ['0.5', '0.9', '0.99'].map((p) => [{ key: 'p', value: p, type: 'double' }]),
    );
    // Quantiles are of values rounded to 1/64 of a power of two: within 0.55%.
    const close = (a: number | undefined, b: number) =>
      assert.ok(a !== undefined && Math.abs(a - b) <= 0.0055 * b, `${a} vs ${b}`);
    const [p50, p90, p99] = series.map((s) => Object.fromEntries(s.samples.map((p) => [p.timeMs / 1000, p.value])));
    // Two hours ago 40 of 41 estimated spans took 100 ms: the error's 2 s is above the 97.5th percentile.
    close(p50![OLD], 0.1);
    // Unweighted, 1 of the 3 stored spans (a third) took 2 s, and the 90th percentile would be 2 s.
    close(p90![OLD], 0.1);
    close(p99![OLD], 2);
    close(p50![RECENT], 0.1);
  });

  test('histogram_over_time: power-of-two buckets of nanoseconds, as seconds', async () => {
    const t = table(await run('{ resource.service.name = "frontend" } | histogram_over_time(duration)'));
    assert.deepEqual(t, {
      [`__bucket=${2 ** 27 / 1e9}`]: { [OLD]: 40, [RECENT]: 3 },
      [`__bucket=${2 ** 31 / 1e9}`]: { [OLD]: 1 },
      [`__bucket=${2 ** 30 / 1e9}`]: { [RECENT]: 1 },
    });
  });

  test('a span without the by attribute is a series without that label', async () => {
    const t = table(
      await run('{ resource.service.name = "frontend" } | count_over_time() by (span.http.route, span.missing)'),
    );
    assert.deepEqual(t, { 'span.http.route=/': { [OLD]: 41, [RECENT]: 4 } });
  });

  test('exemplars: the slowest span of a step, valued like the series (a count) or by itself (a quantile)', async () => {
    const exemplarOf = (s: SpanRecord, value: number) => ({
      traceId: s.TraceId,
      spanId: s.SpanId,
      timeMs: Number(BigInt(s.Timestamp) / 1_000_000n),
      value,
    });
    assert.deepEqual((await run('{ status = error } | rate()'))[0]!.exemplars, [], 'none unless asked for');
    const [rate] = await run('{ status = error } | rate()', { exemplars: 10 });
    assert.deepEqual(rate!.exemplars, [exemplarOf(errorSpans.old!, 1 / 60), exemplarOf(errorSpans.recent!, 1 / 60)]);
    // Two hours ago the 2 s error is the slowest frontend span: it belongs to the p99 series.
    const quantiles = await run('{ resource.service.name = "frontend" } | quantile_over_time(duration, 0.5, 0.99)', {
      exemplars: 10,
    });
    assert.deepEqual(
      quantiles.map((s) => s.exemplars.filter((e) => e.timeMs < (OLD + STEP) * 1000)),
      [[], [exemplarOf(errorSpans.old!, 2)]],
    );
    // The budget is shared by the series: one exemplar asked for, one given.
    const byService = await run('{} | count_over_time() by (resource.service.name)', { exemplars: 1 });
    assert.equal(byService.flatMap((s) => s.exemplars).length, 1);
  });

  test('too many steps, and what is not supported, are refused with the reason', async () => {
    await assert.rejects(
      run('{} | rate()', { step: 1 }),
      (e: Error) => e instanceof MetricsLimitError && /at most 2000/.test(e.message),
    );
    await assert.rejects(run('{ name = "a" } && { name = "b" } | rate()'), MetricsQueryError);
    await assert.rejects(run('{ trace:duration > 1s } | rate()'), MetricsQueryError);
    await assert.rejects(run('{} | count() > 2 | rate()'), MetricsQueryError);
  });
});
