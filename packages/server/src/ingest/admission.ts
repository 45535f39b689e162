import { type LogRecord, type MetricBatch, SpanIdMap, type SpanRecord } from '@tracehouse/otlp';

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

  private window(signal: keyof AdmissionLimits['maxAgeMs'], key: string): TimeWindow {
    const now = BigInt(this.clock()) * MS;
    const reason = `${key} outside [now - retention.${signal === 'traces' ? 'spans' : signal} (${days(this.limits.maxAgeMs[signal])}), now + ingest.maxClockSkew (${days(this.limits.maxClockSkewMs)})]`;
    return new TimeWindow(
      now - BigInt(this.limits.maxAgeMs[signal]) * MS,
      now + BigInt(this.limits.maxClockSkewMs) * MS,
      reason,
    );
  }

  spans(records: SpanRecord[]): Admitted<SpanRecord[]> {
    const w = this.window('traces', 'start or end time');
    const reasons = new Reasons(['span', 'spans']);
    const seen = new SpanIdMap<SpanRecord>((s) => s.TraceId);
    const kept = records.filter((s) => {
      if (!w.holdsSpan(s.Timestamp, s.Duration)) {
        reasons.add(w.reason);
        return false;
      }
      if (s['Events.Timestamp'].some(tooLate)) {
        reasons.add(TOO_LATE('event time'));
        return false;
      }
      if (seen.get(s.TraceId, s.SpanId) !== undefined) {
        reasons.add('span_id repeated within its trace in this request');
        return false;
      }
      seen.set(s.SpanId, s);
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
      if (tooLate(r.ObservedTimestamp)) {
        reasons.add(TOO_LATE('observed time'));
        return false;
      }
      if (!w.holds(r.Timestamp === '0' ? r.ObservedTimestamp : r.Timestamp)) {
        reasons.add(w.reason);
        return false;
      }
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
        if (!w.holds(p.TimeUnix)) {
          reasons.add(w.reason);
          return false;
        }
        if (tooLate(p.StartTimeUnix) || p['Exemplars.TimeUnix'].some(tooLate)) {
          reasons.add(TOO_LATE('start or exemplar time'));
          return false;
        }
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

/** Past the largest DateTime64(9). A decimal shorter than 2^63's 19 digits never is. */
const tooLate = (ns: string): boolean => ns.length >= 19 && BigInt(ns) > MAX_NS;

/**
 * Nanosecond times are compared as doubles first (off by at most ~256 ns at today's times,
 * 2^-53 relative), exactly only within SLACK_NS of a bound: nearly every record is minutes, not
 * nanoseconds, inside the window, and two BigInts a span were a large part of the admission's
 * cost (with the span-id check, 0.37 -> 0.21 us a span; docs/performance.md session 19).
 */
const SLACK_NS = 1e6;

class TimeWindow {
  private readonly minN: number;
  private readonly maxN: number;

  constructor(
    readonly min: bigint,
    readonly max: bigint,
    readonly reason: string,
  ) {
    this.minN = Number(min);
    this.maxN = Number(max);
  }

  /** `ns` (a decimal) within [min, max]. */
  holds(ns: string): boolean {
    const t = Number(ns);
    if (t > this.minN + SLACK_NS && t < this.maxN - SLACK_NS) return true;
    if (t < this.minN - SLACK_NS || t > this.maxN + SLACK_NS || Number.isNaN(t)) return false;
    const exact = BigInt(ns);
    return exact >= this.min && exact <= this.max;
  }

  /** A span's start (a decimal) and its end (start + duration) within [min, max]. */
  holdsSpan(start: string, duration: string): boolean {
    const t = Number(start);
    const end = t + Number(duration);
    if (t > this.minN + SLACK_NS && t < this.maxN - SLACK_NS && end < this.maxN - SLACK_NS) return true;
    const s = BigInt(start);
    return s >= this.min && s <= this.max && s + BigInt(duration) <= this.max;
  }
}
const TOO_LATE = (what: string) => `${what} past 2262-04-11 (the store keeps int64 nanoseconds)`;

/** Both reasons of one request, for its partial_success.error_message. */
export const joinMessages = (...messages: string[]): string => messages.filter(Boolean).join('; ');
