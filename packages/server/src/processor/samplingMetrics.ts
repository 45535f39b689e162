import type { SamplingTick } from '@tracehouse/sampling';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The sampling processor's own metrics, on the shared self-metrics registry. */
export class SamplingMetrics {
  readonly decided: Counter<'rule' | 'decision' | 'trigger'>;
  readonly decidedSpans: Counter<'decision'>;
  readonly lateSpans: Counter<'decision'>;
  readonly decisionLag: Histogram;
  readonly undecided: Gauge;
  readonly tickDuration: Histogram;
  readonly forwardLag: Gauge;
  readonly forwarded: Counter<'outcome'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.decided = new Counter({
      name: 'tracehouse_sampling_traces_decided_total',
      help: 'Traces decided, by the rule that matched, the decision and what triggered it (root, wait, maxSpans)',
      labelNames: ['rule', 'decision', 'trigger'],
      registers,
    });
    this.decidedSpans = new Counter({
      name: 'tracehouse_sampling_spans_decided_total',
      help: 'Spans of the traces decided (at decision time), by decision',
      labelNames: ['decision'],
      registers,
    });
    this.lateSpans = new Counter({
      name: 'tracehouse_sampling_late_spans_total',
      help: "Spans that arrived after their trace's decision and followed it",
      labelNames: ['decision'],
      registers,
    });
    this.decisionLag = new Histogram({
      name: 'tracehouse_sampling_decision_lag_seconds',
      help: "Time from a trace's newest span to its decision",
      buckets: [0.5, 1, 2, 3, 5, 10, 20, 30, 45, 60, 120, 300, 600],
      registers,
    });
    this.undecided = new Gauge({
      name: 'tracehouse_sampling_undecided_traces',
      help: 'Traces with a span in the last decisionWait and no decision yet (sampled every few ticks)',
      registers,
    });
    this.tickDuration = new Histogram({
      name: 'tracehouse_sampling_tick_duration_seconds',
      help: 'Time of one sampling tick (decide, copy kept spans, follow late spans)',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.forwardLag = new Gauge({
      name: 'tracehouse_forward_lag_seconds',
      help: 'Gateway mode: age of the oldest kept decision not yet exported downstream',
      registers,
    });
    this.forwarded = new Counter({
      name: 'tracehouse_forward_spans_total',
      help: 'Gateway mode: kept spans exported downstream, by outcome (ok, retry)',
      labelNames: ['outcome'],
      registers,
    });
  }

  observe(t: SamplingTick): void {
    for (const d of t.decided) {
      this.decided.inc({ rule: d.rule, decision: d.decision, trigger: d.trigger });
      this.decidedSpans.inc({ decision: d.decision }, d.spanCount);
      this.decisionLag.observe(Math.max(0, d.lagMs) / 1000);
    }
    for (const decision of ['keep', 'drop'] as const) {
      if (t.lateSpans[decision] > 0) this.lateSpans.inc({ decision }, t.lateSpans[decision]);
    }
  }
}
