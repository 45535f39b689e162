// The concurrency section of `npm run bench:query`: a real `tracehouse start` process over the
// benchmark's data directory, readers in flight running the mix of issue 21 (trace by id 2 of
// 4, service + duration search, attribute search) through the HTTP API while the load
// generator ingests OTLP/HTTP spans at a target rate.
import { runLoadgen } from '@tracehouse/loadgen';
import { startTracehouse } from '../packages/server/test/process';

export interface ConcurrencyOptions {
  dataDir: string;
  /** Trace ids present in the store: trace-by-id requests draw from them uniformly. */
  traceIds: readonly string[];
  /** Unix seconds of the loaded day. */
  start: number;
  end: number;
  readers: readonly number[];
  secondsPerLevel: number;
  /** Spans per second the load generator aims at while the readers run (0: no ingest). */
  ingestRate: number;
}

export interface ConcurrencyLevel {
  readers: number;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  traceByIdP50: number;
  searchP95: number;
  ingestSpansPerSecond: number;
}

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** A small deterministic generator, so every run asks the same sequence. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    return x / 2 ** 32;
  };
}

const SEARCHES = [
  '{ resource.service.name = "checkout" && duration > 500ms }',
  '{ span.http.response.status_code = 500 }',
] as const;

/** The i-th request of the mix: trace by id twice in four, then each search once. */
function mixRequest(api: string, o: ConcurrencyOptions, i: number, rnd: () => number): { url: string; kind: string } {
  if (i % 4 < 2) {
    const id = o.traceIds[Math.floor(rnd() * o.traceIds.length)]!;
    return { url: `${api}/api/v1/traces/${id}`, kind: 'trace' };
  }
  // A 1 h window on a 10-minute grid of the loaded day: dashboards ask the same windows.
  const slots = Math.max(1, Math.floor((o.end - o.start - 3600) / 600));
  const from = o.start + Math.floor(rnd() * slots) * 600;
  const q = encodeURIComponent(SEARCHES[(i % 4) - 2]!);
  return { url: `${api}/api/v1/search?q=${q}&start=${from}&end=${from + 3600}&limit=20`, kind: 'search' };
}

async function runLevel(api: string, otlp: string, o: ConcurrencyOptions, readers: number): Promise<ConcurrencyLevel> {
  const stop = new AbortController();
  const ingest =
    o.ingestRate > 0
      ? runLoadgen({
          endpoint: otlp,
          protocol: 'http/protobuf',
          rate: o.ingestRate,
          durationMs: o.secondsPerLevel * 1000,
          concurrency: 4,
          signals: ['traces'],
          seed: 21,
          signal: stop.signal,
        })
      : null;
  const latencies: number[] = [];
  const traceMs: number[] = [];
  const searchMs: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + o.secondsPerLevel * 1000;
  await Promise.all(
    Array.from({ length: readers }, async (_, r) => {
      const rnd = lcg(1000 * readers + r);
      while (performance.now() < deadline) {
        const { url, kind } = mixRequest(api, o, next++, rnd);
        const t0 = performance.now();
        const res = await fetch(url);
        await res.arrayBuffer();
        const ms = performance.now() - t0;
        if (!res.ok) errors++;
        latencies.push(ms);
        (kind === 'trace' ? traceMs : searchMs).push(ms);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  stop.abort();
  const summary = ingest ? await ingest : null;
  return {
    readers,
    requests: latencies.length,
    errors,
    requestsPerSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    traceByIdP50: percentile(traceMs, 50),
    searchP95: percentile(searchMs, 95),
    ingestSpansPerSecond: summary ? summary.spans.acknowledged / (summary.elapsedMs / 1000) : 0,
  };
}

/** Cache hits and misses the server counted, from its /metrics. */
async function cacheCounters(api: string): Promise<string> {
  const text = await (await fetch(`${api}/metrics`)).text();
  return [...text.matchAll(/^tracehouse_query_cache_(hits|misses)_total\{cache="([^"]+)"\} (\S+)$/gm)]
    .map((m) => `${m[2]}_${m[1]}=${m[3]}`)
    .join(' ');
}

export async function runConcurrency(o: ConcurrencyOptions): Promise<ConcurrencyLevel[]> {
  const th = await startTracehouse(o.dataDir, { inheritStderr: true, timeoutMs: 180_000 });
  try {
    const levels: ConcurrencyLevel[] = [];
    // One warm-up pass, so the first level does not pay for cold marks and page cache.
    await runLevel(th.api, th.otlpHttp, { ...o, secondsPerLevel: 2, ingestRate: 0 }, 4);
    for (const readers of o.readers) levels.push(await runLevel(th.api, th.otlpHttp, o, readers));
    const counters = await cacheCounters(th.api);
    if (counters) console.log(`bench query-cache ${counters}`);
    return levels;
  } finally {
    th.child.kill('SIGTERM');
    await th.exited;
  }
}

export function formatLevels(levels: readonly ConcurrencyLevel[]): string {
  const f = (x: number) => x.toFixed(1);
  const lines = [
    '| readers in flight | requests/s | p50 | p95 | trace by id p50 | search p95 | errors | ingest spans/s |',
    '|---|---|---|---|---|---|---|---|',
    ...levels.map(
      (l) =>
        `| ${l.readers} | ${f(l.requestsPerSecond)} | ${f(l.p50)} ms | ${f(l.p95)} ms | ${f(l.traceByIdP50)} ms | ${f(l.searchP95)} ms | ${l.errors} | ${Math.round(l.ingestSpansPerSecond)} |`,
    ),
  ];
  return lines.join('\n');
}
