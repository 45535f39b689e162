// node --import tsx bench/query-red.ts — what the RED cache (server/src/api/redCache.ts) saves a
// dashboard: BENCH_RED_SERIES span-metric series (default 100) over the last day at a 15 s
// interval, stored as the processor stores them; a dashboard of BENCH_RED_PANELS RED panels
// (default 8: all services, and span names of single services) refreshed every 15 s of
// simulated time with the watermark advancing, over a 1 h range (30 s steps) and a 24 h range
// (12 min steps). Each refresh runs once through the cache and once straight to the store, in
// the same run; prints wall and CPU per request of both and their ratio. Results are compared.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DerivedStore, LATENCY_BOUNDS_SECONDS, type RedQuery } from '@tracehouse/derived';
import { DEFAULT_TENANT, Store } from '@tracehouse/store';
import { RedCache } from '../packages/server/src/api/redCache';

const SERIES = Number(process.env.BENCH_RED_SERIES ?? 100);
const PANELS = Number(process.env.BENCH_RED_PANELS ?? 8);
const REFRESHES = Number(process.env.BENCH_RED_REFRESHES ?? 20);
const INTERVAL_MS = 15_000;
const DAY_MS = 86_400_000;
const SERVICES = 10;

const nowMs = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS;
const dir = mkdtempSync(join(tmpdir(), 'tracehouse-bench-red-'));
const store = await Store.open({
  dataDir: dir,
  retention: { spansRecent: 3600, spans: 86400, logs: 86400, metrics: 30 * 86400 },
  writer: { batchRows: 5000, flushIntervalMs: 200, maxQueuedBytes: 1 << 28, maxInsertRows: 100_000 },
});
const derived = new DerivedStore(store);
try {
  const intervals = DAY_MS / INTERVAL_MS + 2 * 60; // the day and the simulated refreshes
  const buckets = LATENCY_BOUNDS_SECONDS.length + 1;
  // Series s: service s % 10, span name s, kind Server or Client, status Error for every 7th.
  await store.sql.command(`INSERT INTO span_metrics (Tenant, WindowStart, WindowEnd, SeriesKey, ServiceName, SpanName,
  SpanKind, StatusCode, Overflow, Calls, LatencySum, LatencyBuckets)
SELECT '', fromUnixTimestamp64Milli(toInt64(${nowMs - DAY_MS} + i * ${INTERVAL_MS})),
  fromUnixTimestamp64Milli(toInt64(${nowMs - DAY_MS} + (i + 1) * ${INTERVAL_MS})), toString(s),
  concat('service-', toString(s % ${SERVICES})), concat('op-', toString(s)), if(s % 2 = 0, 'Server', 'Client'),
  if(s % 7 = 0, 'Error', 'Unset'), false, 1 + sipHash64(i, s) % 50, 0.1,
  arrayMap(b -> sipHash64(i, s, b) % 10, range(${buckets}))
FROM (SELECT number % ${intervals} AS i, intDiv(number, ${intervals}) AS s FROM numbers(${intervals * SERIES}))`);
  await store.sql.command('OPTIMIZE TABLE span_metrics FINAL');

  const cache = new RedCache(derived.queryRed, { maxCells: 100_000, ttlMs: 600_000 });
  const panels = (endMs: number, rangeMs: number, stepMs: number): RedQuery[] =>
    Array.from({ length: PANELS }, (_, p) => ({
      tenant: DEFAULT_TENANT,
      startMs: Math.floor((endMs - rangeMs) / stepMs) * stepMs,
      endMs,
      stepMs,
      bySpanName: p > 0,
      spanKinds: ['Server'],
      service: p > 0 ? `service-${p % SERVICES}` : undefined,
    }));
  const measure = async (run: () => Promise<unknown>) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    const c = process.cpuUsage(c0);
    return { wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
  };
  for (const [name, rangeMs, stepMs] of [
    ['1h', 3_600_000, 30_000],
    ['24h', DAY_MS, 720_000],
  ] as const) {
    const total = { cached: { wallMs: 0, cpuMs: 0 }, direct: { wallMs: 0, cpuMs: 0 } };
    for (let r = 0; r < REFRESHES; r++) {
      const endMs = nowMs + r * INTERVAL_MS;
      const watermark = endMs - INTERVAL_MS; // the processor lags one interval
      const qs = panels(endMs, rangeMs, stepMs);
      let viaCache: unknown[] = [];
      let direct: unknown[] = [];
      const a = await measure(async () => {
        viaCache = await Promise.all(qs.map((q) => cache.query(q, watermark)));
      });
      const b = await measure(async () => {
        direct = await Promise.all(qs.map((q) => derived.queryRed(q)));
      });
      assert.deepEqual(viaCache, direct);
      if (r === 0) continue; // the first refresh fills the cache
      for (const [k, m] of [
        ['cached', a],
        ['direct', b],
      ] as const) {
        total[k].wallMs += m.wallMs;
        total[k].cpuMs += m.cpuMs;
      }
    }
    const per = (ms: number) => (ms / ((REFRESHES - 1) * PANELS)).toFixed(2);
    console.log(
      `bench query-red range=${name} series=${SERIES} panels=${PANELS} refreshes=${REFRESHES - 1} ` +
        `direct_wall_ms=${per(total.direct.wallMs)} direct_cpu_ms=${per(total.direct.cpuMs)} ` +
        `cached_wall_ms=${per(total.cached.wallMs)} cached_cpu_ms=${per(total.cached.cpuMs)} ` +
        `cpu_ratio=${(total.cached.cpuMs / total.direct.cpuMs).toFixed(2)}`,
    );
  }
  const s = cache.stats();
  console.log(`bench query-red-cache hits=${s.hits} misses=${s.misses} cells=${s.size}`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
