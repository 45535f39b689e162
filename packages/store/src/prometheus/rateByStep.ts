import { QueryLimitError, type Sql } from '../client';
import { tenantKey } from '../tenant';
import type { Component } from './components';
import { componentWhere, matcherPrefilter, matcherSql, type PromSelect } from './select';

/** `sum by|without (labels) (rate|increase(selector[range] offset o))` at every step of a range. */
export interface RateByStep {
  func: 'rate' | 'increase';
  rangeMs: number;
  offsetMs: number;
  /** First and last evaluation time, and the step between them (ms). */
  startMs: number;
  endMs: number;
  stepMs: number;
  grouping: readonly string[];
  without: boolean;
}

export interface GroupSteps {
  labels: Record<string, string>;
  /** Evaluation times (ms) with a value, and the values. */
  t: number[];
  v: number[];
}

/** Buckets per series the pushed-down query may use (else the engine evaluates in memory). */
const MAX_BUCKETS = 50_000;

/** Series one pushed-down query may read (their ids travel as query parameters). */
const MAX_SERIES = 100_000;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Whether the step, range and offset line up so that every window is a run of whole buckets. */
export function bucketWidth(r: RateByStep): number | undefined {
  if (![r.rangeMs, r.stepMs, r.startMs, r.offsetMs].every(Number.isInteger)) return undefined;
  const g = gcd(r.rangeMs, r.stepMs);
  const buckets = (r.endMs - r.startMs + r.rangeMs) / g;
  return g > 0 && buckets <= MAX_BUCKETS ? g : undefined;
}

/**
 * One row per stored series: its id (a hash of the columns its labels come from, so labels are
 * built once per series, not once per row; an expanded component's series, one per bucket or
 * quantile, hash the row's id with the element's index), the id of its Prometheus label set
 * (`gid`: rows of two series with the same labels are one series, as in the reader), and the
 * labels of its group (`glbl`) with their id (`ghash`). Ids are strings: JSON numbers would
 * lose 64-bit ones.
 */
function seriesSql(c: Component, where: string, filters: string[], groupLabels: string): string {
  const labels = c.expand ? `mapUpdate(${c.labels}, map('${c.expand.label}', ${c.expand.value}))` : c.labels;
  const columns = c.labelColumns.join(', ');
  const perRow = `SELECT ${rowSid(c)} AS rsid, ${c.labelColumns.map((col) => `any(${col}) AS ${col}`).join(', ')}${
    c.expand ? `, max(length(${c.expand.over})) AS elements` : ''
  }
        FROM ${c.table}${c.final ? ' FINAL' : ''} WHERE ${where} GROUP BY rsid`;
  const perSeries = c.expand
    ? `SELECT rsid, ${ELEMENT_SID} AS sid, ${columns}, i FROM (${perRow}) ARRAY JOIN range(1, elements + 1) AS i`
    : `SELECT rsid, rsid AS sid, ${columns} FROM (${perRow})`;
  return `SELECT toString(rsid) AS rsid, toString(sid) AS sid, toString(cityHash64(lbl)) AS gid, ${groupLabels} AS glbl,
    toString(cityHash64(glbl)) AS ghash FROM (
    SELECT rsid, sid, arraySort(arrayZip(mapKeys(lm), mapValues(lm))) AS lbl, lm FROM (
      SELECT rsid, sid, mapFilter((k, v) -> v != '', CAST(${labels}, 'Map(String, String)')) AS lm FROM (
        ${perSeries})))${filters.length ? `\n  WHERE ${filters.join(' AND ')}` : ''}
LIMIT {maxSeries:UInt64}`;
}

const rowSid = (c: Component) => `cityHash64(${c.labelColumns.join(', ')})`;
/** The id of element i of a row with id rsid (the same types in both statements: same hash). */
const ELEMENT_SID = 'cityHash64(rsid, toUInt32(i))';

/**
 * The selected series' rows as (gid, ghash, t, ts, val); an expanded component's rows become
 * one per element, after the rows of other series are dropped.
 */
function rowsSql(c: Component, where: string): string {
  const perRow = `SELECT ${rowSid(c)} AS rsid, ${c.time} AS t, ${c.intervalStart ?? c.time} AS ts, ${
    c.expand ? `${c.expand.values} AS vals` : `${c.value} AS val`
  }
    FROM ${c.table}${c.final ? ' FINAL' : ''} WHERE ${where} AND rsid IN {rsids:Array(UInt64)}`;
  const sid = c.expand ? ELEMENT_SID : 'rsid';
  return `SELECT ${sid} AS sid, transform(sid, {sids:Array(UInt64)}, {gids:Array(UInt64)}, toUInt64(0)) AS gid,
    transform(sid, {sids:Array(UInt64)}, {ghashes:Array(UInt64)}, toUInt64(0)) AS ghash, t, ts, val
  FROM (${perRow})${c.expand ? ' ARRAY JOIN vals AS val, arrayEnumerate(vals) AS i' : ''}
  WHERE sid IN {sids:Array(UInt64)}`;
}

/**
 * Per series, its samples in (lo, hi] exactly as the in-memory reader builds them (select.ts),
 * as arrays: stored values as they are (a repeated time keeps its last value); increments
 * summed into a counter over the whole history; for the derived metrics a 0 at the start of a
 * series' first interval and the value repeated every interval while it is live. Then the
 * running sum of counter resets (rs), so that a window's resets are rs[last] - rs[first].
 */
function samplesSql(c: Component): string {
  // Increments summed in time order; of samples at one time (two stored series with the same
  // labels) the last holds the sum of both, and is the one kept, as in the reader.
  const flat = `arrayFlatten(arrayMap((p, cum, nx, idx) -> arrayConcat(
        if(${c.fill ? 'idx = 1' : 'false'}, [(p.2, 0.)], []), [(p.1, cum)],
        if(${c.fill ? 'step > 0' : 'false'}, arrayMap(k -> (p.1 + toInt64(k) * step, cum), range(
          toUInt64(greatest(1, intDiv({lo:Int64} - p.1 + step - 1, step))),
          toUInt64(greatest(0, intDiv(least(nx - 1, {until:Int64}, if({staleMs:Int64} > 0, p.1 + {staleMs:Int64}, {until:Int64})) - p.1, step)) + 1))), [])),
        pts, arrayCumSum(arrayMap(p -> p.3, pts)), arrayPushBack(arrayPopFront(arrayMap(p -> p.1, pts)), toInt64(9e15)),
        arrayEnumerate(pts)))`;
  const tv = !c.increments
    ? `arrayMap(p -> (p.1, p.3), arrayFilter((p, nx) -> p.1 != nx AND p.1 > {lo:Int64}, pts,
        arrayPushBack(arrayPopFront(arrayMap(p -> p.1, pts)), toInt64(-1))))`
    : `arrayFilter((s, nx) -> s.1 > {lo:Int64} AND s.1 <= {hi:Int64} AND s.1 != nx, ${flat},
        arrayPushBack(arrayPopFront(arrayMap(s -> s.1, ${flat})), toInt64(-1)))`;
  return `SELECT gid, ghash, ${tv} AS tv, arrayMap(x -> x.2, tv) AS vs,
      arrayCumSum(arrayMap((v, p) -> if(v < p, p, 0.), vs, arrayPushFront(arrayPopBack(vs), vs[1]))) AS rs
    FROM (
      SELECT gid, any(ghash) AS ghash, arraySort(p -> p.1, groupArray((t, ts, val))) AS pts,
        arrayMax(arrayMap(p -> p.1 - p.2, pts)) AS step
      FROM rows GROUP BY gid)`;
}

/**
 * Prometheus's extrapolatedRate per series and step, and the sum per group, inside ClickHouse:
 * only the grouped values cross into Node. Samples fall into buckets of width g (a divisor of
 * step and range): sample t is in bucket b = ceil((t - base) / g), and the window of step k,
 * (E_k - range, E_k], holds the buckets k*perStep - n < b <= k*perStep. Each series' samples
 * are sorted together with two markers per step (the window's upper and lower bound); a forward
 * fill gives every upper marker the window's last sample, a backward fill every lower marker its
 * first one, and a running count their number. This is linear in samples + steps per series,
 * with no per-sample rows; lambdas only read their own array elements (a lambda that captured a
 * whole array would copy it once per element).
 */
function ratesSql(rate: string): string {
  const steps = 'range(toUInt64({steps:Int64} + 1))';
  return `SELECT ghash, range(toUInt64({steps:Int64} + 1)) AS ks,
    arraySort(x -> (x.1, x.2, x.3), arrayConcat(
      arrayMap((p, r) -> (toInt64(ceil((p.1 - ({evalStart:Int64} - {offsetMs:Int64})) / {g:Int64})), 0, p.1, p.2, r), tv, rs),
      arrayMap(k -> (toInt64(k) * {perStep:Int64}, 1, toInt64(0), 0., 0.), ${steps}),
      arrayMap(k -> (toInt64(k) * {perStep:Int64} - {n:Int64}, 2, toInt64(0), 0., 0.), ${steps}))) AS m,
    arrayCumSum(arrayMap(x -> x.2 = 0, m)) AS seen,
    arrayFilter((x, y) -> y.2 = 1,
      arrayFill((x, y) -> y.2 = 0, arrayMap((x, c) -> (x.3, x.4, x.5, c), m, seen), m), m) AS last,
    arrayFilter((x, y) -> y.2 = 2, arrayReverseFill((x, y) -> y.2 = 0, arrayMap(x -> (x.3, x.4, x.5), m), m), m) AS first,
    arrayMap((l, c) -> l.4 - c, last, arrayFilter((c, y) -> y.2 = 2, seen, m)) AS cnt,
    arrayMap((l, f) -> (l.2 - f.2) + (l.3 - f.3), last, first) AS result,
    arrayMap((l, f) -> (l.1 - f.1) / 1000, last, first) AS sampled,
    arrayMap((s, c) -> s / (c - 1), sampled, cnt) AS avgGap,
    arrayMap((f, k) -> (f.1 - ({evalStart:Int64} + toInt64(k) * {stepMs:Int64} - {offsetMs:Int64} - {n:Int64} * {g:Int64})) / 1000,
      first, ks) AS toStart0,
    arrayMap((l, k) -> ({evalStart:Int64} + toInt64(k) * {stepMs:Int64} - {offsetMs:Int64} - l.1) / 1000, last, ks) AS toEnd0,
    arrayMap((s, a) -> if(s >= a * 1.1, a / 2, s), toStart0, avgGap) AS toStart1,
    arrayMap((s, r, f, sa) -> if(r > 0 AND f.2 >= 0, least(s, sa * (f.2 / r)), s), toStart1, result, first, sampled) AS toStart,
    arrayMap((e, a) -> if(e >= a * 1.1, a / 2, e), toEnd0, avgGap) AS toEnd,
    arrayMap((r, sa, s, e, c) -> if(c >= 2, r * ((sa + s + e) / sa${rate}), 0.), result, sampled, toStart, toEnd, cnt) AS value
  FROM samples`;
}

export async function rateByStep(
  sql: Sql,
  c: Component,
  q: PromSelect,
  r: RateByStep,
  staleMs: number,
): Promise<GroupSteps[] | undefined> {
  const g = bucketWidth(r);
  if (g === undefined) return undefined;
  const lo = r.startMs - r.offsetMs - r.rangeMs;
  const hi = r.endMs - r.offsetMs;
  const steps = Math.floor((r.endMs - r.startMs) / r.stepMs);
  const params: Record<string, unknown> = {
    ...c.params,
    tenant: tenantKey(q.tenant),
    lo,
    hi,
    until: Math.min(hi, q.nowMs),
    staleMs,
    g,
    perStep: r.stepMs / g,
    n: r.rangeMs / g,
    steps,
    evalStart: r.startMs,
    stepMs: r.stepMs,
    offsetMs: r.offsetMs,
    rangeS: r.rangeMs / 1000,
    grouping: [...r.grouping],
  };
  // Increments need every row before the range: the counter's value at its start.
  const where = [...componentWhere(c, 'lo', 'hi', c.increments), ...matcherPrefilter(c, q.matchers, params)].join(
    ' AND ',
  );
  const filters = matcherSql(q.matchers, params);
  const groupLabels = r.without
    ? 'arrayFilter(x -> NOT has({grouping:Array(String)}, x.1), lbl)'
    : 'arrayFilter(x -> has({grouping:Array(String)}, x.1), lbl)';
  const rate = r.func === 'rate' ? ' / {rangeS:Float64}' : '';
  const limits = { maxExecutionSeconds: Math.max(1, Math.ceil(q.timeoutMs / 1000)) };
  // Two statements: the series' labels are built once here (reading the label columns of every
  // row), and the samples statement maps each row to its series by id instead of joining these
  // again (a CTE used twice is evaluated twice) and groups by the group's id, not its labels.
  const maxSeries = Math.min(q.maxSeries, MAX_SERIES);
  const series = await sql.query<{ rsid: string; sid: string; gid: string; glbl: [string, string][]; ghash: string }>(
    seriesSql(c, where, filters, groupLabels),
    { ...params, maxSeries: maxSeries + 1 },
    { ...limits, maxRows: maxSeries + 1 },
  );
  if (series.length > maxSeries) throw new QueryLimitError(`query selects more than ${maxSeries} series`);
  if (series.length === 0) return [];
  const groupLabelsById = new Map(series.map((s) => [s.ghash, s.glbl]));
  Object.assign(params, {
    rsids: `[${[...new Set(series.map((s) => s.rsid))].join(',')}]`,
    sids: `[${series.map((s) => s.sid).join(',')}]`,
    gids: `[${series.map((s) => s.gid).join(',')}]`,
    ghashes: `[${series.map((s) => s.ghash).join(',')}]`,
  });
  const query = `WITH rows AS (${rowsSql(c, where)}),
samples AS (${samplesSql(c)}),
rates AS (${ratesSql(rate)})
SELECT toString(ghash) AS ghash, sumKahanForEach(value) AS v, maxForEach(arrayMap(c -> c >= 2, cnt)) AS has
FROM rates GROUP BY ghash`;
  const out = await sql.query<{ ghash: string; v: (number | string)[]; has: number[] }>(query, params, {
    ...limits,
    maxRows: series.length,
  });
  const groups: GroupSteps[] = [];
  let samples = 0;
  for (const row of out) {
    const glbl = groupLabelsById.get(row.ghash) ?? [];
    const grp: GroupSteps = { labels: Object.fromEntries(glbl.filter(([, v]) => v !== '')), t: [], v: [] };
    row.has.forEach((has, k) => {
      if (!has) return;
      const v = row.v[k]!;
      grp.t.push(r.startMs + k * r.stepMs);
      grp.v.push(typeof v === 'number' ? v : Number(v === 'nan' ? Number.NaN : v));
    });
    samples += grp.t.length;
    if (samples > q.maxSamples)
      throw new QueryLimitError('query processing would load too many samples into memory in query execution');
    if (grp.t.length > 0) groups.push(grp);
  }
  return groups;
}
