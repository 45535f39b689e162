import type { OldestData, SamplingRuleStats, Store, TableStats } from '@tracehouse/store';
import type { Counter } from 'prom-client';
import type { SelfMetrics } from '../telemetry/selfMetrics';

export interface OpsSummary {
  generatedAtUnixSeconds: number;
  ingest: {
    windowSeconds: number;
    signals: {
      signal: string;
      itemsPerSecond: number;
      receivedTotal: number;
      rejectedTotal: number;
      redactedTotal: number;
    }[];
    requests: { protocol: string; outcome: string; count: number }[];
  };
  sampling: {
    windowSeconds: number;
    rules: SamplingRuleStats[];
  };
  storage: {
    engine: string;
    tables: (TableStats & Pick<OldestData, 'oldestUnixSeconds'>)[];
    queueBytes: Record<string, number>;
  };
  retentionSeconds: Record<string, number>;
  health: { ready: boolean; storePingSeconds: number | null; insertFailuresTotal: number };
}

const SIGNALS = ['traces', 'logs', 'metrics'];
const SAMPLING_WINDOW_SECONDS = 3600;

async function sumBy(counter: Counter<string>, label: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const v of (await counter.get()).values) {
    const k = String(v.labels[label] ?? '');
    out.set(k, (out.get(k) ?? 0) + v.value);
  }
  return out;
}

/**
 * Items per second by signal over the last minute, from the receive counters: a sample
 * every 5 s, the rate is the difference between the newest and the oldest sample.
 */
export class IngestRates {
  private samples: { at: number; totals: Map<string, number> }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly received: Counter<string>,
    private readonly windowMs = 60_000,
    private readonly clock: () => number = Date.now,
  ) {
    this.timer = setInterval(() => void this.sample(), 5_000);
    this.timer.unref();
    void this.sample();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sample(): Promise<void> {
    const now = this.clock();
    this.samples.push({ at: now, totals: await sumBy(this.received, 'signal') });
    this.samples = this.samples.filter((s) => s.at >= now - this.windowMs);
  }

  async rates(): Promise<{ windowSeconds: number; perSecond: Map<string, number> }> {
    await this.sample();
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const seconds = Math.max((last.at - first.at) / 1000, 1);
    const perSecond = new Map<string, number>();
    for (const signal of SIGNALS)
      perSecond.set(signal, ((last.totals.get(signal) ?? 0) - (first.totals.get(signal) ?? 0)) / seconds);
    return { windowSeconds: Math.round((last.at - first.at) / 1000), perSecond };
  }
}

/**
 * The admin ops summary: counters, ratios, sizes and times only. Nothing in it comes from
 * a telemetry row's content (no attribute, body, name or id), so it is safe to show.
 */
export async function opsSummary(deps: {
  store: Store;
  metrics: SelfMetrics;
  rates: IngestRates;
  redacted: Counter<string> | null;
  retentionSeconds: Record<string, number>;
  isReady: () => boolean;
}): Promise<OpsSummary> {
  const ops = deps.store.ops;
  const [rates, received, rejected, redacted, requests, failures, stats, oldest, sampling, ping] = await Promise.all([
    deps.rates.rates(),
    sumBy(deps.metrics.received, 'signal'),
    sumBy(deps.metrics.rejected, 'signal'),
    deps.redacted ? sumBy(deps.redacted, 'signal') : new Map<string, number>(),
    deps.metrics.requests.get(),
    deps.metrics.insertFailures.get(),
    deps.store.tableStats().catch(() => []),
    ops.oldestData().catch(() => []),
    ops.samplingByRule(SAMPLING_WINDOW_SECONDS).catch(() => []),
    ops.pingSeconds(),
  ]);
  const oldestBy = new Map(oldest.map((o) => [o.table, o.oldestUnixSeconds]));
  const byOutcome = new Map<string, { protocol: string; outcome: string; count: number }>();
  for (const v of requests.values) {
    const protocol = String(v.labels.protocol);
    const outcome = String(v.labels.outcome);
    const k = `${protocol}\t${outcome}`;
    const e = byOutcome.get(k) ?? { protocol, outcome, count: 0 };
    e.count += v.value;
    byOutcome.set(k, e);
  }
  return {
    generatedAtUnixSeconds: Math.floor(Date.now() / 1000),
    ingest: {
      windowSeconds: rates.windowSeconds,
      signals: SIGNALS.map((signal) => ({
        signal,
        itemsPerSecond: rates.perSecond.get(signal) ?? 0,
        receivedTotal: received.get(signal) ?? 0,
        rejectedTotal: rejected.get(signal) ?? 0,
        redactedTotal: redacted.get(signal) ?? 0,
      })),
      requests: [...byOutcome.values()].sort((a, b) => b.count - a.count),
    },
    sampling: { windowSeconds: SAMPLING_WINDOW_SECONDS, rules: sampling },
    storage: {
      engine: deps.store.engine,
      tables: stats.map((s) => ({ ...s, oldestUnixSeconds: oldestBy.get(s.table) ?? null })),
      queueBytes: deps.store.queueBytes(),
    },
    retentionSeconds: deps.retentionSeconds,
    health: {
      ready: deps.isReady() && ping !== null,
      storePingSeconds: ping,
      insertFailuresTotal: failures.values.reduce((a, v) => a + v.value, 0),
    },
  };
}
