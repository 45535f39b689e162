import type { LogRecord, MetricBatch, SpanRecord } from '@tracehouse/otlp';

/**
 * What the store can keep faithfully, checked on decoded records before anything is written.
 * A record that fails is rejected with a reason (OTLP partial success), never acknowledged
 * and then altered or lost:
 * - its time must lie in [now - retention, now + maxClockSkew]: the tables are partitioned and
 *   expired by record time, so a time outside would be deleted at once (too old), never expire
 *   (years ahead), or, spread over many days, cost one part per day in a single insert
 *   (the partition bomb of issue 15);
 * - every time must fit DateTime64(9) (int64 ns, until 2262): 2^64-1 would be stored as -1;
 * - within one request a span id appears once per trace (span ids are unique within a trace,
 *   and a trace read keeps one span per id); a retry of the same export in a later request is
 *   the normal case and stays accepted, the read shows one copy.
 */
export interface AdmissionLimits {
  /** Retention per signal in ms: the oldest record time accepted. */
  maxAgeMs: { traces: number; logs: number; metrics: number };
  /** How far ahead of the receiver's clock a record may be dated. */
  maxClockSkewMs: number;
}

export interface Admitted<T> {
  records: T;
  rejected: number;
  /** '' when nothing was rejected, else e.g. "3 spans rejected: start time outside ...". */
  message: string;
}

const MS = 1_000_000n;
/** The largest DateTime64(9): int64 nanoseconds. */
const MAX_NS = 2n ** 63n - 1n;

class Reasons {
  count = 0;
  private readonly reasons = new Map<string, number>();
  constructor(private readonly noun: [string, string]) {}
  add(reason: string): void {
    this.count++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }
  message(): string {
    if (this.count === 0) return '';
    const parts = [...this.reasons].map(([r, n]) => (this.reasons.size === 1 ? r : `${n} ${r}`));
    return `${this.count} ${this.noun[this.count === 1 ? 0 : 1]} rejected: ${parts.join('; ')}`;
  }
}

const days = (ms: number) => (ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : `${Math.round(ms / 1000)}s`);

export class Admission {
  constructor(
    private readonly limits: AdmissionLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  private window(signal: keyof AdmissionLimits['maxAgeMs'], key: string) {
    const now = BigInt(this.clock()) * MS;
    const min = now - BigInt(this.limits.maxAgeMs[signal]) * MS;
    const max = now + BigInt(this.limits.maxClockSkewMs) * MS;
    const reason = `${key} outside [now - retention.${signal === 'traces' ? 'spans' : signal} (${days(this.limits.maxAgeMs[signal])}), now + ingest.maxClockSkew (${days(this.limits.maxClockSkewMs)})]`;
    return { min, max, reason };
  }

  spans(records: SpanRecord[]): Admitted<SpanRecord[]> {
    const w = this.window('traces', 'start or end time');
    const reasons = new Reasons(['span', 'spans']);
    const seen = new Set<string>();
    const kept = records.filter((s) => {
      const start = BigInt(s.Timestamp);
      const end = start + BigInt(s.Duration);
      if (start < w.min || start > w.max || end > w.max) return (reasons.add(w.reason), false);
      if (s['Events.Timestamp'].some(tooLate)) return (reasons.add(TOO_LATE('event time')), false);
      const id = s.TraceId + s.SpanId;
      if (seen.has(id)) return (reasons.add('span_id repeated within its trace in this request'), false);
      seen.add(id);
      return true;
    });
    return { records: kept, rejected: reasons.count, message: reasons.message() };
  }

  logs(records: LogRecord[], observedNow = BigInt(this.clock()) * MS): Admitted<LogRecord[]> {
    const w = this.window('logs', 'time (time_unix_nano, else observed_time_unix_nano)');
    const reasons = new Reasons(['log record', 'log records']);
    const kept = records.filter((r) => {
      // A record with neither time is placed at the time it was received, as the Collector does.
      if (r.Timestamp === '0' && r.ObservedTimestamp === '0') r.ObservedTimestamp = String(observedNow);
      if (tooLate(r.ObservedTimestamp)) return (reasons.add(TOO_LATE('observed time')), false);
      const t = BigInt(r.Timestamp === '0' ? r.ObservedTimestamp : r.Timestamp);
      if (t < w.min || t > w.max) return (reasons.add(w.reason), false);
      return true;
    });
    return { records: kept, rejected: reasons.count, message: reasons.message() };
  }

  metrics(batch: MetricBatch): Admitted<MetricBatch> {
    const w = this.window('metrics', 'data point time');
    const reasons = new Reasons(['data point', 'data points']);
    const admit = <P extends { TimeUnix: string; StartTimeUnix: string; 'Exemplars.TimeUnix': string[] }>(
      points: P[],
    ): P[] =>
      points.filter((p) => {
        const t = BigInt(p.TimeUnix);
        if (t < w.min || t > w.max) return (reasons.add(w.reason), false);
        if (tooLate(p.StartTimeUnix) || p['Exemplars.TimeUnix'].some(tooLate))
          return (reasons.add(TOO_LATE('start or exemplar time')), false);
        return true;
      });
    const kept: MetricBatch = {
      gauge: admit(batch.gauge),
      sum: admit(batch.sum),
      histogram: admit(batch.histogram),
      expHistogram: admit(batch.expHistogram),
      summary: admit(batch.summary),
    };
    return { records: kept, rejected: reasons.count, message: reasons.message() };
  }
}

const tooLate = (ns: string): boolean => BigInt(ns) > MAX_NS;
const TOO_LATE = (what: string) => `${what} past 2262-04-11 (the store keeps int64 nanoseconds)`;

/** Both reasons of one request, for its partial_success.error_message. */
export const joinMessages = (...messages: string[]): string => messages.filter(Boolean).join('; ');
