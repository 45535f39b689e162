import { QueryLimitError, type Sql } from '../client';
import { tenantKey } from '../tenant';
import type { Component } from './components';
import { matcherSql, type PromSelect } from './select';

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
 * running sum of counter resets (R), so that a window's resets are R(last) - R(first).
 */
function samplesSql(c: Component): string {
  const tv = !c.increments
    ? `arrayMap(p -> (p.1, p.3), arrayFilter((p, nx) -> p.1 != nx AND p.1 > {lo:Int64}, pts,
        arrayPushBack(arrayPopFront(arrayMap(p -> p.1, pts)), toInt64(-1))))`
    : `arrayFilter(s -> s.1 > {lo:Int64} AND s.1 <= {hi:Int64}, arrayFlatten(arrayMap((p, cum, nx, idx) -> arrayConcat(
        if(${c.fill ? 'idx = 1' : 'false'}, [(p.2, 0.)], []), [(p.1, cum)],
        if(${c.fill ? 'step > 0' : 'false'}, arrayMap(k -> (p.1 + toInt64(k) * step, cum), range(
          toUInt64(greatest(1, intDiv({lo:Int64} - p.1 + step - 1, step))),
          toUInt64(greatest(0, intDiv(least(nx - 1, {until:Int64}, if({staleMs:Int64} > 0, p.1 + {staleMs:Int64}, {until:Int64})) - p.1, step)) + 1))), [])),
        pts, arrayCumSum(arrayMap(p -> p.3, pts)), arrayPushBack(arrayPopFront(arrayMap(p -> p.1, pts)), toInt64(9e15)),
        arrayEnumerate(pts))))`;
  return `SELECT gid, ghash, s.1 AS t, s.2 AS v, r AS R FROM (
    SELECT gid, ghash, ${tv} AS tv, arrayMap(x -> x.2, tv) AS vs,
      arrayCumSum(arrayMap((v, p) -> if(v < p, p, 0.), vs, arrayPushFront(arrayPopBack(vs), vs[1]))) AS rs
    FROM (
      SELECT gid, any(ghash) AS ghash, arraySort(p -> p.1, groupArray((t, ts, val))) AS pts,
        arrayMax(arrayMap(p -> p.1 - p.2, pts)) AS step
      FROM rows GROUP BY gid))
  ARRAY JOIN tv AS s, rs AS r`;
}

/**
 * Prometheus's extrapolatedRate per series and step, and the sum per group, inside ClickHouse:
 * only the grouped values cross into Node. Samples fall into buckets of width g (a divisor of
 * step and range), so each window (T - range, T] is a run of range/g whole buckets; a bucket
 * keeps its first and last sample (with R) and is counted into every step whose window holds
 * it; a window's first sample is the first of its buckets' firsts, its last the last of lasts.
 */
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
  const timeCol = c.final ? 'WindowEnd' : 'TimeUnix';
  const where = [
    'Tenant = {tenant:String}',
    ...c.where,
    `${timeCol} <= fromUnixTimestamp64Milli({hi:Int64})`,
    // Increments need every row before the range: the counter's value at its start.
    ...(c.increments ? [] : [`${timeCol} > fromUnixTimestamp64Milli({lo:Int64})`]),
  ].join(' AND ');
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
buckets AS (
  SELECT gid, ghash, toInt64(ceil((t - ({evalStart:Int64} - {offsetMs:Int64})) / {g:Int64})) AS b,
    min(t) AS firstT, max(t) AS lastT, argMin(v, t) AS fv, argMin(R, t) AS fR, argMax(v, t) AS lv, argMax(R, t) AS lR,
    count() AS c
  FROM samples GROUP BY gid, ghash, b
),
windows AS (
  SELECT gid, ghash, k, min(firstT) AS fT, max(lastT) AS lT, argMin(fv, firstT) AS f, argMin(fR, firstT) AS fr,
    argMax(lv, lastT) AS l, argMax(lR, lastT) AS lr, sum(c) AS cnt
  FROM buckets
  ARRAY JOIN range(toUInt64(greatest(0, toInt64(ceil(b / {perStep:Int64})))),
    toUInt64(greatest(0, least({steps:Int64}, toInt64(floor((b + {n:Int64} - 1) / {perStep:Int64}))) + 1))) AS k
  GROUP BY gid, ghash, k
  HAVING cnt >= 2
),
rates AS (
  SELECT ghash, k,
    (l - f) + (lr - fr) AS result,
    (lT - fT) / 1000 AS sampled,
    sampled / (cnt - 1) AS avgGap,
    ({evalStart:Int64} + k * {stepMs:Int64} - {offsetMs:Int64}) AS rangeEnd,
    (fT - (rangeEnd - {n:Int64} * {g:Int64})) / 1000 AS toStart0,
    (rangeEnd - lT) / 1000 AS toEnd0,
    if(toStart0 >= avgGap * 1.1, avgGap / 2, toStart0) AS toStart1,
    if(result > 0 AND f >= 0, least(toStart1, sampled * (f / result)), toStart1) AS toStart,
    if(toEnd0 >= avgGap * 1.1, avgGap / 2, toEnd0) AS toEnd,
    result * ((sampled + toStart + toEnd) / sampled${rate}) AS value
  FROM windows
)
SELECT toString(ghash) AS ghash, k, sumKahan(value) AS v FROM rates
GROUP BY ghash, k ORDER BY ghash, k
LIMIT ${q.maxSamples + 1}`;
  const out = await sql.query<{ ghash: string; k: number | string; v: number | string }>(query, params, {
    ...limits,
    maxRows: q.maxSamples + 1,
  });
  const groups = new Map<string, GroupSteps>();
  for (const row of out) {
    let grp = groups.get(row.ghash);
    if (!grp) {
      const glbl = groupLabelsById.get(row.ghash) ?? [];
      grp = { labels: Object.fromEntries(glbl.filter(([, v]) => v !== '')), t: [], v: [] };
      groups.set(row.ghash, grp);
    }
    grp.t.push(r.startMs + Number(row.k) * r.stepMs);
    grp.v.push(typeof row.v === 'number' ? row.v : Number(row.v === 'nan' ? Number.NaN : row.v));
  }
  return [...groups.values()];
}
