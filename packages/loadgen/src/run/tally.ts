import type { ExportResult, Signal } from '../send/exporter';
import type { Stamp } from '../template/stamp';
import { traceIdOf } from '../template/stamp';
import type { TemplateBody, TemplateUnit } from '../template/unit';
import type { ResolvedOptions } from './options';
import { emptyCounts, type LoadgenSummary, percentile, type SignalCounts, type TraceTruth } from './summary';

const MAX_ERRORS = 5;

/**
 * Everything counted during a run. Counts move only on a final answer for a request, so
 * the summary never claims more than the server acknowledged, whatever was retried.
 */
export class Tally {
  readonly spans = emptyCounts();
  readonly logs = emptyCounts();
  readonly metricPoints = emptyCounts();
  requests = 0;
  retries = 0;
  failures = 0;
  private readonly errors: string[] = [];
  private latencies = new Float64Array(1024);
  private latencyCount = 0;
  private readonly byService = new Map<string, number>();
  private readonly byName = new Map<string, Map<string, number>>();
  private readonly traces = { sent: 0, acknowledged: 0, error: 0, slow: 0 };
  private readonly traceIds: TraceTruth[] | null;

  constructor(recordTraceIds: boolean) {
    this.traceIds = recordTraceIds ? [] : null;
  }

  attempt(latencyMs: number, result: ExportResult): void {
    if (this.latencyCount === this.latencies.length) {
      const grown = new Float64Array(this.latencies.length * 2);
      grown.set(this.latencies);
      this.latencies = grown;
    }
    this.latencies[this.latencyCount++] = latencyMs;
    if (!result.ok && this.errors.length < MAX_ERRORS && !this.errors.includes(result.error)) {
      this.errors.push(result.error);
    }
  }

  private countsOf(signal: Signal): SignalCounts {
    return signal === 'traces' ? this.spans : signal === 'logs' ? this.logs : this.metricPoints;
  }

  /** A request's final outcome after retries. */
  request(signal: Signal, items: number, result: ExportResult, retries: number): void {
    const c = this.countsOf(signal);
    this.requests++;
    this.retries += retries;
    c.requests++;
    c.sent += items;
    if (result.ok) {
      const rejected = Math.min(items, result.rejected);
      c.rejected += rejected;
      c.acknowledged += items - rejected;
      if (rejected > 0 && result.message && this.errors.length < MAX_ERRORS) {
        this.errors.push(`partial success: ${result.message}`);
      }
    } else {
      c.failed += items;
      this.failures++;
    }
  }

  /** Per-name counts of a trace body the server acknowledged. */
  spanNames(body: TemplateBody): void {
    for (const [service, name, count] of body.spanNames) {
      this.byService.set(service, (this.byService.get(service) ?? 0) + count);
      let names = this.byName.get(service);
      if (!names) {
        names = new Map();
        this.byName.set(service, names);
      }
      names.set(name, (names.get(name) ?? 0) + count);
    }
  }

  /** A unit is done: each of its traces counts as acknowledged when all its requests were. */
  unit(unit: TemplateUnit, stamp: Stamp, sent: readonly TemplateBody[], failed: ReadonlySet<TemplateBody>): void {
    const incomplete = new Set<number>();
    for (const body of failed) for (const t of body.traces) incomplete.add(t);
    for (let i = 0; i < unit.traces.length; i++) {
      const shape = unit.traces[i];
      const acknowledged = !incomplete.has(i);
      this.traces.sent++;
      if (acknowledged) {
        this.traces.acknowledged++;
        if (shape.hasError) this.traces.error++;
        if (shape.isSlow) this.traces.slow++;
      }
      if (this.traceIds) {
        const logs = sent.some((b) => b.signal === 'logs');
        const spans = sent.some((b) => b.signal === 'traces');
        this.traceIds.push({
          traceId: traceIdOf(stamp, i),
          spanCount: spans ? shape.spanCount : 0,
          logCount: logs ? shape.logCount : 0,
          hasError: shape.hasError,
          isSlow: shape.isSlow,
          rootService: shape.rootService,
          rootSpanName: shape.rootSpanName,
          acknowledged,
        });
      }
    }
  }

  summary(o: ResolvedOptions, prepareMs: number, elapsedMs: number): LoadgenSummary {
    const sorted = this.latencies.slice(0, this.latencyCount).sort();
    const spansBySpanName: Record<string, Record<string, number>> = {};
    for (const [service, names] of this.byName) spansBySpanName[service] = Object.fromEntries(names);
    const summary: LoadgenSummary = {
      protocol: o.protocol,
      endpoint: o.endpoint,
      seed: String(o.seed),
      gzip: o.gzip,
      targetRate: o.rate,
      concurrency: o.concurrency,
      batch: o.batch,
      prepareMs,
      elapsedMs,
      requests: this.requests,
      retries: this.retries,
      failures: this.failures,
      errors: [...this.errors],
      spans: { ...this.spans },
      logs: { ...this.logs },
      metricPoints: { ...this.metricPoints },
      traces: { ...this.traces },
      spansPerSecond: elapsedMs > 0 ? (this.spans.acknowledged * 1000) / elapsedMs : 0,
      latencyMs: {
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.length > 0 ? sorted[sorted.length - 1] : 0,
      },
      spansByService: Object.fromEntries(this.byService),
      spansBySpanName,
    };
    if (this.traceIds) summary.traceIds = [...this.traceIds];
    return summary;
  }
}
