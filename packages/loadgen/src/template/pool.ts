import { Random, seedWords } from '../workload/random';
import type { GeneratedTrace, Workload } from '../workload/workload';
import { buildUnit, type TemplateUnit, type UnitOptions } from './unit';

export interface PoolOptions extends UnitOptions {
  /** Stop adding units to the pool past this many spans; later sends reuse the pool. */
  maxSpans: number;
  /** Start time of the templates' traces; stamping moves them to the moment of sending. */
  baseNs: bigint;
}

/**
 * Encoded units, built once from the workload and reused round-robin. Every send gets
 * fresh ids and times (see stamp.ts), so reuse repeats shapes, never traces.
 */
export class TemplatePool {
  private readonly units: TemplateUnit[] = [];
  private readonly gaps: Random;
  private carry: GeneratedTrace | null = null;
  private cursor = 0;
  private poolSpans = 0;

  constructor(
    private readonly workload: Workload,
    private readonly o: PoolOptions,
  ) {
    this.gaps = Random.derive(seedWords(workload.options.seed), 6, 0);
  }

  /** Spans a unit aims at: one batch, or one batch per request a trace is split over. */
  private get target(): number {
    return this.o.batch * Math.max(1, this.o.splitTraces);
  }

  /** Fills the pool (up to `maxTraces` traces in all, when the run has a fixed count). */
  prepare(maxTraces = Number.POSITIVE_INFINITY): void {
    let traces = 0;
    while (this.poolSpans < this.o.maxSpans && traces < maxTraces) {
      const unit = this.fresh(maxTraces - traces);
      this.units.push(unit);
      this.poolSpans += unit.spans;
      traces += unit.traces.length;
    }
  }

  /** The next unit to send, with at most `remaining` traces. */
  next(remaining = Number.POSITIVE_INFINITY): TemplateUnit {
    if (this.units.length > 0) {
      const unit = this.units[this.cursor % this.units.length];
      if (unit.traces.length <= remaining) {
        this.cursor++;
        return unit;
      }
    }
    return this.fresh(remaining);
  }

  private fresh(maxTraces: number): TemplateUnit {
    const traces: GeneratedTrace[] = [];
    let spans = 0;
    let start = this.o.baseNs;
    while (traces.length < maxTraces) {
      const trace = this.carry ?? this.workload.nextTrace(start);
      this.carry = null;
      if (traces.length > 0 && spans + trace.spans.length > this.target) {
        this.carry = trace;
        break;
      }
      traces.push(trace);
      spans += trace.spans.length;
      start += BigInt(Math.round(this.gaps.uniform(0, 2e6)));
      if (spans >= this.target) break;
    }
    return buildUnit(traces, this.o);
  }
}
