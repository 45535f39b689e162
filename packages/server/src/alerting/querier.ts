import type { InstantQuerier, Sample } from '@tracehouse/alerting';
import { Engine, matches, type SelectRequest, type Series, type SeriesSource } from '@tracehouse/promql';
import type { AlertingStore } from '@tracehouse/store';

/** The series a tenant's queries read: the stored and derived metrics (the engine's store source). */
export type TenantSource = (tenant: string) => SeriesSource;

/**
 * Recording rules' series, read from `recorded_series`. Only selectors that can match one of
 * the recorded names reach the table, so the span-metric selectors of every rule cost nothing here.
 */
export class RecordedSource implements SeriesSource {
  constructor(
    private readonly store: AlertingStore,
    private readonly tenant: string,
    private readonly recordedNames: ReadonlySet<string>,
  ) {}

  mayMatch(req: SelectRequest): boolean {
    const names = req.matchers.filter((m) => m.name === '__name__');
    return [...this.recordedNames].some((n) => names.every((m) => matches({ __name__: n }, m)));
  }

  async select(req: SelectRequest): Promise<Series[]> {
    if (!this.mayMatch(req)) return [];
    return this.store.selectRecorded({ ...req, tenant: this.tenant });
  }
}

/** A selector of a recorded name reads the recorded table only; anything else reads both. */
class CompositeSource implements SeriesSource {
  constructor(
    private readonly base: SeriesSource | null,
    private readonly recorded: RecordedSource,
    private readonly recordedNames: ReadonlySet<string>,
  ) {}

  async select(req: SelectRequest): Promise<Series[]> {
    const name = req.matchers.find((m) => m.name === '__name__' && m.type === '=');
    if (name && this.recordedNames.has(name.value)) return this.recorded.select(req);
    const [a, b] = await Promise.all([
      this.base ? this.base.select(req) : Promise.resolve([]),
      this.recorded.select(req),
    ]);
    return b.length === 0 ? a : [...a, ...b];
  }
}

/** Rules evaluate on the PromQL engine over the tenant's series plus the recorded ones. */
export class EngineQuerier implements InstantQuerier {
  constructor(
    private readonly options: {
      store: AlertingStore;
      base: TenantSource | null;
      recordedNames: ReadonlySet<string>;
      /** Per-query deadline: one slow rule must not hold the group past its interval. */
      timeoutMs: number;
    },
  ) {}

  async query(expr: string, at: Date, tenant: string): Promise<Sample[]> {
    const { store, base, recordedNames, timeoutMs } = this.options;
    const recorded = new RecordedSource(store, tenant, recordedNames);
    const engine = new Engine({
      source: new CompositeSource(base?.(tenant) ?? null, recorded, recordedNames),
      timeoutMs,
    });
    const result = await engine.instantQuery(expr, at.getTime());
    switch (result.resultType) {
      case 'vector':
        return result.result.map((s) => ({ labels: s.metric, value: s.v }));
      case 'scalar':
        return [{ labels: {}, value: result.v }];
      default:
        throw new Error(`rule expression must return a vector or scalar, not a ${result.resultType}`);
    }
  }
}
