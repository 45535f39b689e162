import type { InstantQuerier, RecordedSample, Sample } from '@tracehouse/alerting';
import { type Engine, matches, type SelectRequest, type Series, type SeriesSource } from '@tracehouse/promql';
import type { AlertingStore, Store } from '@tracehouse/store';
import type { SourceWrapper } from '../api/prometheus/api';
import type { LoadedRules } from './load';
import { EvaluationReadCache, InstantReads } from './readCache';

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
    private readonly base: SeriesSource,
    private readonly recorded: RecordedSource,
    private readonly recordedNames: ReadonlySet<string>,
  ) {}

  async select(req: SelectRequest): Promise<Series[]> {
    const name = req.matchers.find((m) => m.name === '__name__' && m.type === '=');
    if (name && this.recordedNames.has(name.value)) return this.recorded.select(req);
    const [a, b] = await Promise.all([this.base.select(req), this.recorded.select(req)]);
    return b.length === 0 ? a : [...a, ...b];
  }
}

/**
 * The recording rules' series as part of every tenant's series (for rules and the /prometheus
 * query API alike); undefined when no rule records anything.
 */
export function recordedSeries(
  store: Store,
  rules: LoadedRules,
): { wrap: SourceWrapper; names: Set<string> } | undefined {
  const names = new Set(
    rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.kind === 'recording' ? [r.record] : []))),
  );
  if (names.size === 0) return undefined;
  const alertingStore = store.alerting;
  return {
    names,
    wrap: (tenant, base) => new CompositeSource(base, new RecordedSource(alertingStore, tenant, names), names),
  };
}

type EngineFactory = (tenant: string, decorate?: (source: SeriesSource) => SeriesSource) => Engine;

/** Rules evaluate on the PromQL engine, at the rule's instant, for the rules' tenant. */
export class EngineQuerier implements InstantQuerier {
  constructor(
    private readonly engine: EngineFactory,
    /** Per-query deadline (promql.timeout): a group that runs past its interval skips the missed evaluations. */
    private readonly timeoutMs: number,
  ) {}

  /** The reads of each tenant's newest evaluation instant, shared by the groups evaluated at it. */
  private readonly instants = new Map<string, { atMs: number; reads: InstantReads }>();

  /**
   * The rules of one group evaluation read through the reads of its instant: groups evaluated at
   * the same instant (the manager aligns groups of one interval) share them. Only the newest
   * instant is kept, so memory holds one instant's reads per tenant; a late group of an older
   * instant reads on its own.
   */
  forEvaluation(at: Date, tenant: string, recorded: readonly RecordedSample[]): InstantQuerier {
    const atMs = at.getTime();
    let view: EvaluationReadCache | undefined;
    const engine: EngineFactory = (t) =>
      this.engine(t, (source) => {
        view ??= new EvaluationReadCache(this.instantReads(tenant, atMs, source), recorded);
        return view;
      });
    const inner = new EngineQuerier(engine, this.timeoutMs);
    return {
      query: (expr, at) => inner.query(expr, at, tenant),
      prefetch: async (exprs, at) => {
        const e = engine(tenant);
        const requests = exprs.flatMap((expr) => {
          try {
            return e.selectRequests(expr, at.getTime());
          } catch {
            return []; // the rule reports its own error when it runs
          }
        });
        await view?.prefetch(requests);
      },
    };
  }

  private instantReads(tenant: string, atMs: number, source: SeriesSource): InstantReads {
    const newest = this.instants.get(tenant);
    if (newest && newest.atMs === atMs) return newest.reads;
    const reads = new InstantReads(source);
    if (!newest || newest.atMs < atMs) this.instants.set(tenant, { atMs, reads });
    return reads;
  }

  async query(expr: string, at: Date, tenant: string): Promise<Sample[]> {
    const result = await this.engine(tenant).instantQuery(expr, at.getTime(), { timeoutMs: this.timeoutMs });
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
