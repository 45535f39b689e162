import { setTimeout as sleep } from 'node:timers/promises';
import { encodeMetricsData, type MetricBatch, metricsToMetricsData } from '@tracehouse/otlp';
import { MetricsModel, pointCount } from '../metrics/metrics';
import type { Exporter, Signal } from '../send/exporter';
import { createGrpcExporter } from '../send/grpc-exporter';
import { createHttpExporter } from '../send/http-exporter';
import { type Attempt, sendWithRetry } from '../send/retry';
import { TemplatePool } from '../template/pool';
import { stampJson, stampProtobuf } from '../template/stamp';
import type { PayloadFormat, TemplateBody, TemplateUnit } from '../template/unit';
import { Random, seedWords } from '../workload/random';
import { createWorkload } from '../workload/workload';
import { type LoadgenOptions, type ResolvedOptions, resolveOptions } from './options';
import { Pacer } from './pacer';
import { Stamper } from './stamper';
import type { LoadgenSummary } from './summary';
import { Tally } from './tally';

/** Template traces start this long before the run, so a shift to "now" is never negative. */
const TEMPLATE_LEAD_NS = 600_000_000_000n;

function msToNs(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

function createExporter(o: ResolvedOptions, format: PayloadFormat): Exporter {
  if (o.protocol === 'grpc') {
    return createGrpcExporter({ endpoint: o.endpoint, gzip: o.gzip, headers: o.headers, timeoutMs: o.timeoutMs });
  }
  return createHttpExporter({
    endpoint: o.endpoint,
    format,
    gzip: o.gzip,
    headers: o.headers,
    timeoutMs: o.timeoutMs,
    maxSockets: o.concurrency + 1,
  });
}

function encodeMetrics(batch: MetricBatch, format: PayloadFormat): Uint8Array {
  try {
    return format === 'protobuf' ? encodeMetricsData(batch) : Buffer.from(JSON.stringify(metricsToMetricsData(batch)));
  } catch (err) {
    throw new Error(`loadgen: cannot encode metrics: ${(err as Error).message}`);
  }
}

/**
 * Sends the synthetic workload to an OTLP endpoint and reports what the server
 * acknowledged. The workload is encoded once into a pool of templates before the clock
 * starts; each send copies a template and stamps fresh trace ids, span ids and times
 * into it (see template/stamp.ts), which is what makes full speed cheap.
 */
export async function runLoadgen(options: LoadgenOptions = {}): Promise<LoadgenSummary> {
  const o = resolveOptions(options);
  const format: PayloadFormat = o.protocol === 'http/json' ? 'json' : 'protobuf';
  const sendTraces = o.signals.includes('traces');
  const sendLogs = o.signals.includes('logs');
  const sendMetrics = o.signals.includes('metrics');

  const prepareStarted = performance.now();
  const workload = createWorkload({
    seed: o.seed,
    errorFraction: o.errorFraction,
    slowFraction: o.slowFraction,
    logsPerSpan: sendLogs ? o.logsPerSpan : 0,
    users: o.users,
    fanout: o.fanout,
    bigTraceFraction: o.bigTraceFraction,
    bigTraceSpans: o.bigTraceSpans,
    environment: o.environment,
  });
  const clockStart = o.clock();
  const runStartNs = msToNs(clockStart);
  const pool = new TemplatePool(workload, {
    format,
    // At a low target rate a request holds about a second of spans (64 at least), as an
    // SDK's batch processor exports on its timer, instead of one large burst now and then.
    batch: o.rate > 0 ? Math.min(o.batch, Math.max(64, Math.ceil(o.rate))) : o.batch,
    splitTraces: o.splitTraces,
    logs: sendLogs,
    maxSpans: o.templateSpans,
    baseNs: runStartNs - TEMPLATE_LEAD_NS,
  });
  if (sendTraces || sendLogs) pool.prepare(o.traces ?? Number.POSITIVE_INFINITY);
  const words = seedWords(o.seed);
  const metrics = sendMetrics ? new MetricsModel(workload.instances, runStartNs, Random.derive(words, 9, 0)) : null;
  if (metrics) encodeMetrics(metrics.collect(runStartNs, 0), format);
  const prepareMs = performance.now() - prepareStarted;

  const exporter = createExporter(o, format);
  const tally = new Tally(o.recordTraceIds);
  const stamper = new Stamper(o.seed);
  const pacer = new Pacer(o.rate, () => performance.now());
  const jitter = Random.derive(words, 10, 0);
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const aborted = (): boolean => o.signal?.aborted === true;
  const expired = (): boolean => o.durationMs !== null && elapsed() >= o.durationMs;
  /** Sleeps; false when the run was aborted (or `stop` fired) meanwhile. */
  const pause = async (ms: number, stop: AbortSignal | null = o.signal): Promise<boolean> => {
    try {
      await sleep(ms, undefined, stop ? { signal: stop } : undefined);
      return !aborted();
    } catch {
      return false;
    }
  };
  const hooks = {
    sleep: async (ms: number) => {
      await pause(ms);
    },
    now: () => performance.now(),
    random: () => jitter.float(),
    aborted,
    onAttempt: (a: Attempt) => tally.attempt(a.latencyMs, a.result),
  };
  const policy = {
    maxRetries: o.maxRetries,
    initialBackoffMs: 250,
    maxBackoffMs: 5000,
    maxRetryAfterMs: o.maxRetryAfterMs,
  };
  const send = (signal: Signal, body: Uint8Array) => sendWithRetry(() => exporter.export(signal, body), policy, hooks);

  let scheduledTraces = 0;
  const nextUnit = (): TemplateUnit | null => {
    if (!(sendTraces || sendLogs) || aborted() || expired()) return null;
    if (o.traces !== null && scheduledTraces >= o.traces) return null;
    const unit = pool.next(o.traces === null ? Number.POSITIVE_INFINITY : o.traces - scheduledTraces);
    scheduledTraces += unit.traces.length;
    return unit;
  };

  const sendUnit = async (unit: TemplateUnit): Promise<void> => {
    const shiftNs = Number(runStartNs - unit.latestNs) + Math.round((o.clock() - clockStart) * 1e6);
    const stamp = stamper.stamp(unit, shiftNs);
    const sent: TemplateBody[] = [];
    const failed = new Set<TemplateBody>();
    // Bodies go one after the other: a trace split over several requests arrives in the
    // order an SDK would export it, leaves first and the root last.
    for (const body of unit.bodies) {
      if (body.signal === 'traces' ? !sendTraces : !sendLogs) continue;
      const bytes =
        format === 'protobuf'
          ? stampProtobuf(body.bytes, body.layout, stamp)
          : stampJson(body.bytes, body.layout, stamp);
      const { result, retries } = await send(body.signal, bytes);
      tally.request(body.signal, body.items, result, retries);
      sent.push(body);
      if (!result.ok) failed.add(body);
      else if (body.signal === 'traces') {
        tally.spanNames(body);
        metrics?.recordServerCalls(body.serverCalls);
      }
    }
    tally.unit(unit, stamp, sent, failed);
  };

  const worker = async (): Promise<void> => {
    for (let unit = nextUnit(); unit; unit = nextUnit()) {
      const wait = pacer.reserve(unit.spans);
      if (wait > 0 && !(await pause(wait))) break;
      // A unit whose slot falls after the end of the run is not sent.
      if (aborted() || (expired() && o.traces === null)) break;
      await sendUnit(unit);
    }
  };

  let lastMetricsAt = started;
  const exportMetrics = async (): Promise<void> => {
    if (!metrics) return;
    const now = performance.now();
    const batch = metrics.collect(msToNs(o.clock()), (now - lastMetricsAt) / 1000);
    lastMetricsAt = now;
    const points = pointCount(batch);
    const { result, retries } = await send('metrics', encodeMetrics(batch, format));
    tally.request('metrics', points, result, retries);
  };

  const stopTimers = new AbortController();
  const metricsLoop = async (): Promise<void> => {
    while (metrics && (await pause(o.metricsIntervalMs, stopTimers.signal))) await exportMetrics();
  };
  const progress = o.onProgress
    ? setInterval(() => o.onProgress?.(tally.summary(o, prepareMs, elapsed())), o.progressIntervalMs)
    : null;

  try {
    const loop = metricsLoop();
    if (sendTraces || sendLogs) await Promise.all(Array.from({ length: o.concurrency }, worker));
    else if (o.durationMs !== null) await pause(o.durationMs);
    stopTimers.abort();
    await loop;
    // One last collection, so every run that sends metrics sends at least one.
    await exportMetrics();
  } finally {
    stopTimers.abort();
    if (progress) clearInterval(progress);
    await exporter.close();
  }
  return tally.summary(o, prepareMs, elapsed());
}
