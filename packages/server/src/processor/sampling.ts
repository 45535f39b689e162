import { parseRules, ruleWarnings, type SamplerOptions, samplingPolicy, TraceSampler } from '@tracehouse/sampling';
import type { Store } from '@tracehouse/store';
import type { Config } from '../config/schema';
import type { Processor } from './loop';
import type { SamplingMetrics } from './samplingMetrics';

/** Sampler options from configuration: the user's rules, then the defaults. */
export function samplerOptions(config: Config): SamplerOptions {
  return {
    rules: samplingPolicy({
      latencyThresholdMs: config['sampling.latencyThreshold'],
      baselinePercent: config['sampling.baselinePercent'],
      rules: parseRules(config['sampling.rules']),
    }),
    rootGraceMs: config['sampling.rootGrace'],
    decisionWaitMs: config['sampling.decisionWait'],
    maxSpans: config['sampling.maxSpans'],
  };
}

const BACKLOG_EVERY_MS = 10_000;

/**
 * The tail-sampling step of the processor loop. The clock comes from the loop, so tests
 * move "decisionWait has passed" forward without sleeping.
 */
export class SamplingProcessor implements Processor {
  readonly name = 'sampling';
  private readonly sampler: TraceSampler;
  private backlogAt = Number.NEGATIVE_INFINITY;

  constructor(
    store: Store,
    options: SamplerOptions,
    private readonly metrics: SamplingMetrics,
  ) {
    this.sampler = new TraceSampler(store, options);
  }

  /** Rule-list warnings, for the log at start (a catch-all shadowing later rules). */
  static warnings(config: Config): string[] {
    return ruleWarnings(parseRules(config['sampling.rules']));
  }

  async tick(nowMs: number): Promise<void> {
    const end = this.metrics.tickDuration.startTimer();
    try {
      this.metrics.observe(await this.sampler.tick(nowMs));
    } finally {
      end();
    }
    if (nowMs - this.backlogAt >= BACKLOG_EVERY_MS) {
      this.backlogAt = nowMs;
      this.metrics.undecided.set(await this.sampler.undecided(nowMs));
    }
  }
}
