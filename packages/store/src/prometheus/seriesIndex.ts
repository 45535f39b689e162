import type { Component } from './components';

/** A label matcher of a selector (the metric name's are applied by picking components). */
export interface PromMatcher {
  name: string;
  type: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** A label set as the series statement gives it: [name, value] pairs, sorted by name, none empty. */
export type LabelPairs = [string, string][];

/** Stored series (by id) of one label set. */
export interface IndexedSeries {
  lbl: LabelPairs;
  rsids: string[];
}

/** What the index knows of a component's series for one read (see SeriesIndex.known). */
export interface KnownSeries {
  /** The series the matchers select, stored series of equal labels together. */
  selected: IndexedSeries[];
  /** The stored series known to the index that the matchers drop. */
  dropped: string[];
}

/** Series the index holds at most, over all tenants and metrics (the least recently read metric goes first). */
const MAX_SERIES = 200_000;
/** Metrics (per tenant) the index keeps at most, learned or not (the least recently read go first). */
const MAX_SCOPES = 10_000;
/** Reads of a metric that go to the store after one whose samples held a series the index did not know. */
const COLD_AFTER_MISS = 8;

interface Scope {
  labels: Map<string, LabelPairs>;
  /** `labels` by label set, built when a read needs it (undefined after a change). */
  grouped?: IndexedSeries[];
  /** Reads left that skip the index (see COLD_AFTER_MISS). */
  cold: number;
  /** The metric has more series than a query may select: the index does not try to learn them. */
  tooMany?: boolean;
}

/**
 * The label sets of stored series by their stored id, kept between queries, as a Prometheus
 * server keeps its series index in memory. A stored series' labels are a function of its id
 * (the id is a hash of the columns they come from, see schema/seriesId.ts), so what is kept
 * never goes stale; a series that has since ended only has no samples. A read then needs no
 * series statement (a derived counter's, only its sums): it reads the samples of the series it
 * knows, and one that finds samples of a series it does not know (a new one) reads again the
 * usual way, which teaches the index that series. The series statement was ~40 ms of a ~165 ms
 * dashboard of 1,000 series over 24 h, most of it building labels from attribute maps
 * (docs/performance.md, PromQL session 22).
 */
export class SeriesIndex {
  private readonly scopes = new Map<string, Scope>();
  private size = 0;

  constructor(private readonly maxSeries = MAX_SERIES) {}

  /**
   * The known series of a component, split by the matchers; undefined when the index cannot
   * answer: it knows none, a recent read found one it did not know, or a matcher is one JS
   * cannot judge as ClickHouse would.
   */
  known(tenant: string, c: Component, matchers: readonly PromMatcher[]): KnownSeries | undefined {
    const scope = this.scopes.get(scopeKey(tenant, c));
    if (!scope || scope.labels.size === 0) return undefined;
    if (scope.cold > 0) {
      scope.cold--;
      return undefined;
    }
    const selects = labelFilter(matchers);
    if (!selects) return undefined;
    this.touch(tenant, c, scope);
    scope.grouped ??= group(scope.labels);
    const selected: IndexedSeries[] = [];
    const dropped: string[] = [];
    for (const s of scope.grouped) {
      if (selects(s.lbl)) selected.push(s);
      else dropped.push(...s.rsids);
    }
    return { selected, dropped };
  }

  /** Whether a read should list every series of the component for the index (see tooMany). */
  learns(tenant: string, c: Component): boolean {
    return this.scopes.get(scopeKey(tenant, c))?.tooMany !== true;
  }

  /** The component has more series than a query may select: reads stop listing them all for the index. */
  tooMany(tenant: string, c: Component): void {
    this.scope(tenant, c).tooMany = true;
    this.evict();
  }

  /**
   * Keeps the labels of the stored series a read found (every series of the component in its
   * range) with those known before; when the series known are then more than twice those found,
   * only those found (series that ended are forgotten, so what a read hands its statements does
   * not grow with churn, while reads of a wider range still find theirs).
   */
  learn(tenant: string, c: Component, series: readonly { lbl: LabelPairs; rsids: readonly string[] }[]): void {
    const scope = this.scope(tenant, c);
    const found = new Map(series.flatMap((s) => s.rsids.map((rsid) => [rsid, s.lbl] as const)));
    const known = new Map([...scope.labels, ...found]);
    this.size -= scope.labels.size;
    scope.labels = known.size > 2 * found.size ? found : known;
    scope.grouped = undefined;
    scope.tooMany = false;
    this.size += scope.labels.size;
    this.touch(tenant, c, scope);
    this.evict();
  }

  /** A read from the index found samples of a series it did not know: the next reads go to the store. */
  missed(tenant: string, c: Component): void {
    const scope = this.scopes.get(scopeKey(tenant, c));
    if (scope) scope.cold = COLD_AFTER_MISS;
  }

  /** Series known, over all tenants and metrics. */
  get series(): number {
    return this.size;
  }

  clear(): void {
    this.scopes.clear();
    this.size = 0;
  }

  private scope(tenant: string, c: Component): Scope {
    const key = scopeKey(tenant, c);
    let scope = this.scopes.get(key);
    if (!scope) {
      scope = { labels: new Map(), cold: 0 };
      this.scopes.set(key, scope);
    }
    return scope;
  }

  /** Makes the scope the most recently read. */
  private touch(tenant: string, c: Component, scope: Scope): void {
    const key = scopeKey(tenant, c);
    this.scopes.delete(key);
    this.scopes.set(key, scope);
  }

  private evict(): void {
    for (const [key, scope] of this.scopes) {
      if (this.size <= this.maxSeries && this.scopes.size <= MAX_SCOPES) return;
      this.scopes.delete(key);
      this.size -= scope.labels.size;
    }
  }
}

/**
 * What a stored series' labels depend on besides its id: the tenant, the table and rows the
 * component reads, and how it makes labels of them.
 */
const scopeKey = (tenant: string, c: Component) =>
  JSON.stringify([tenant, c.table, c.name, c.where, c.params, c.labels]);

function group(labels: Map<string, LabelPairs>): IndexedSeries[] {
  const bySet = new Map<string, IndexedSeries>();
  for (const [rsid, lbl] of labels) {
    const key = JSON.stringify(lbl);
    const s = bySet.get(key);
    if (s) s.rsids.push(rsid);
    else bySet.set(key, { lbl, rsids: [rsid] });
  }
  return [...bySet.values()];
}

/**
 * Whether a label set passes every matcher, judged in JS exactly as matcherSql judges it in
 * ClickHouse; undefined when a matcher is one JS cannot judge so.
 */
export function labelFilter(matchers: readonly PromMatcher[]): ((lbl: LabelPairs) => boolean) | undefined {
  const tests = matchers.map(labelTest);
  if (tests.some((t) => t === undefined)) return undefined;
  return (lbl) => tests.every((t, i) => t!(labelValue(lbl, matchers[i]!.name)));
}

/** A label's value, '' when the series has none (as a matcher sees it). */
function labelValue(lbl: LabelPairs, name: string): string {
  for (const [n, v] of lbl) if (n === name) return v;
  return '';
}

/**
 * Regexes JS and ClickHouse's RE2 read alike: literals, `.`, `|`, groups and the quantifiers
 * `* + ?` (Grafana's `$var` values, `.*`, `a|b`). Anything else (classes, escapes other than
 * `\.`, lookarounds, repetitions) makes the index decline the read.
 */
const PLAIN_REGEX = /^(?:[\w\-/:@ ,.|()*+?]|\\\.)*$/;

/** A matcher judged in JS exactly as matcherSql judges it in ClickHouse, or undefined. */
function labelTest(m: PromMatcher): ((value: string) => boolean) | undefined {
  if (m.type === '=') return (v) => v === m.value;
  if (m.type === '!=') return (v) => v !== m.value;
  if (!PLAIN_REGEX.test(m.value)) return undefined;
  let re: RegExp;
  try {
    // Anchored, `.` matching newlines and a code point (RE2 reads UTF-8): as matcherSql's `^(?s:...)$`.
    re = new RegExp(`^(?:${m.value})$`, 'su');
  } catch {
    return undefined;
  }
  return m.type === '=~' ? (v) => re.test(v) : (v) => !re.test(v);
}
