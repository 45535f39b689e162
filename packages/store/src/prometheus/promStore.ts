import { QueryLimitError, type Sql } from '../client';
import type { QueryPriority } from '../schedule/scheduler';
import { type Component, derivedComponents, otlpComponents, type PromType } from './components';
import { componentExemplars, type SeriesExemplars } from './exemplars';
import type { FamilyCache } from './familyCache';
import { ProbeCache, type Prober, prober } from './probes';
import { componentLabelSets, eachComponentSeries, type PromSelect, type PromSeries } from './select';
import type { SeriesIndex } from './seriesIndex';

export interface PromStoreOptions {
  /** Latency bucket bounds of the derived histograms, in seconds. */
  derivedBoundsSeconds: readonly number[];
  /** derived.staleAfter: how long /metrics keeps serving a derived series without data (0 = forever). */
  derivedStaleMs: number;
  /** Scheduling of its reads: 'interactive' for API requests, 'background' (default) for rule evaluation. */
  priority?: QueryPriority;
}

/** Which metric names a request wants (the `__name__` matchers, applied by the caller). */
export type NameFilter = (name: string) => boolean;

export interface MetricMetadata {
  name: string;
  type: PromType;
  help: string;
  unit: string;
}

/**
 * Everything tracehouse holds, as Prometheus series: the derived metrics under Tempo's names
 * and every stored OTLP metric under the names Prometheus's OTLP receiver gives it. Every read
 * is scoped to one tenant and bounded in series, samples and time.
 */
export class PromStore {
  private readonly derived: Component[];
  /** How far before a range a derived table's rows keep its series live. */
  private readonly staleMs: number;
  private readonly probe: Prober;

  private readonly sql: Sql;

  constructor(
    sql: Sql,
    private readonly options: PromStoreOptions,
    families: FamilyCache,
    /** Waits until the metric writes acknowledged so far are visible (Store.visible). */
    private readonly visible: () => Promise<void> = () => Promise.resolve(),
    /** Label sets of stored series, kept between reads (see SeriesIndex). */
    private readonly index?: SeriesIndex,
  ) {
    this.sql = options.priority ? sql.withPriority(options.priority) : sql;
    this.derived = derivedComponents(options.derivedBoundsSeconds);
    this.staleMs = options.derivedStaleMs || 86_400_000;
    this.probe = prober(this.sql, families);
  }

  /** The series selected by the name filter and label matchers, with their samples in (start, end]. */
  async select(q: PromSelect, accept: NameFilter, probes?: ProbeCache): Promise<PromSeries[]> {
    const out: PromSeries[] = [];
    await this.each(q, accept, probes, (s) => out.push(s), false);
    return out;
  }

  /**
   * The series `select` gives, in its order, to `visit` one at a time; a series' arrays may be
   * reused for the next one once its visit returns (see eachComponentSeries).
   */
  async forEachSeries(
    q: PromSelect,
    accept: NameFilter,
    visit: (s: PromSeries) => void,
    probes?: ProbeCache,
  ): Promise<void> {
    await this.each(q, accept, probes, visit, true);
  }

  private async each(
    q: PromSelect,
    accept: NameFilter,
    probes: ProbeCache | undefined,
    visit: (s: PromSeries) => void,
    reuse: boolean,
  ): Promise<void> {
    const components = await this.components(q.tenant, q.startMs, q.endMs, accept, probes);
    let series = 0;
    let samples = 0;
    const counted = (s: PromSeries) => {
      series++;
      samples += s.t.length;
      visit(s);
    };
    // One at a time: each read is bounded by what the previous ones left of the limits.
    for (const c of components) {
      const left = { ...q, maxSeries: q.maxSeries - series, maxSamples: q.maxSamples - samples };
      await eachComponentSeries(this.sql, c, left, this.options.derivedStaleMs, counted, reuse, this.index);
    }
  }

  /** Label sets of the selected series with samples in (start, end] (for /series, /labels). */
  async labelSets(q: PromSelect, accept: NameFilter): Promise<Record<string, string>[]> {
    const components = await this.components(q.tenant, q.startMs, q.endMs, accept);
    const out: Record<string, string>[] = [];
    for (const c of components) {
      out.push(...(await componentLabelSets(this.sql, c, { ...q, maxSeries: q.maxSeries - out.length })));
      if (out.length > q.maxSeries) throw new QueryLimitError(`query selects more than ${q.maxSeries} series`);
    }
    return out;
  }

  /** Exemplars of the selected series with exemplar times in [start, end]. */
  async exemplars(q: PromSelect, accept: NameFilter): Promise<SeriesExemplars[]> {
    const components = (await this.components(q.tenant, q.startMs, q.endMs, accept)).filter((c) => c.exemplars);
    const out: SeriesExemplars[] = [];
    for (const c of components) out.push(...(await componentExemplars(this.sql, c, q)));
    return out;
  }

  /** Metric names with data in (start, end]. */
  async metricNames(tenant: string, startMs: number, endMs: number): Promise<string[]> {
    return [...new Set((await this.components(tenant, startMs, endMs)).map((c) => c.name))].sort();
  }

  /** Type, help and unit per metric family (Prometheus's /metadata). */
  async metadata(tenant: string, startMs: number, endMs: number): Promise<MetricMetadata[]> {
    const byFamily = new Map<string, MetricMetadata>();
    for (const c of await this.components(tenant, startMs, endMs))
      if (!byFamily.has(c.family)) byFamily.set(c.family, { name: c.family, type: c.type, help: c.help, unit: c.unit });
    return [...byFamily.values()];
  }

  /**
   * Probes shared by the reads of one query or rule group evaluation (pass it to `select`):
   * each read then costs one statement instead of three.
   */
  probeCache(): ProbeCache {
    return new ProbeCache(this.probe);
  }

  /**
   * The components `accept` names that have data: the derived ones of a table with rows in the
   * range (or live within derived.staleAfter before it), every stored OTLP metric with points in it.
   */
  private async components(
    tenant: string,
    startMs: number,
    endMs: number,
    accept: NameFilter = () => true,
    probes?: ProbeCache,
  ): Promise<Component[]> {
    await this.visible();
    const p = await (probes ? probes.get(tenant, startMs, endMs) : this.probe(tenant, startMs, endMs));
    const derived = this.derived.filter((c) => accept(c.name));
    // Which derived tables have rows is read only for a request that names a derived metric.
    const live = derived.length > 0 ? await p.derivedTables(startMs - this.staleMs) : new Set<string>();
    return [
      ...derived.filter((c) => live.has(c.table)),
      ...p.families
        .filter((f) => f.lastMs > startMs)
        .flatMap(otlpComponents)
        .filter((c) => accept(c.name)),
    ];
  }
}
